"""The signed-in user: an account's name, groups and employee, loaded once per request."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask_login import UserMixin, current_user

from workflows.models.org import UserAccount

from ..extensions import db, login_manager


@dataclass
class User(UserMixin):  # type: ignore[misc]
    """What the pages need of an account; the username (an employee's NIP) is the actor of every action."""

    account_id: int
    username: str
    name: str
    roles: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    employee_id: int | None = None
    scope_unit_code: str | None = None
    #: The account must choose a new password before anything else (a demo or temporary password).
    must_change_password: bool = False
    #: Derived from the password hash: a new password signs out every other session of the account.
    session_key: str = ""

    def get_id(self) -> str:
        return f"{self.account_id}:{self.session_key}"

    def has_role(self, *roles: str) -> bool:
        """Return whether the account holds one of roles."""
        return any(role in self.roles for role in roles)

    @classmethod
    def of(cls, account: UserAccount) -> User:
        """Return the user of an account."""
        name = account.employee.name if account.employee is not None else account.username
        return cls(account_id=account.id, username=account.username, name=name, roles=list(account.roles or []),
                   groups=account.groups(), employee_id=account.employee_id,
                   scope_unit_code=account.scope_unit_code, must_change_password=account.must_change_password,
                   session_key=session_key(account))


def session_key(account: UserAccount) -> str:
    """Return the key sessions of the account carry; it changes with the password."""
    return hashlib.sha256(account.password_hash.encode()).hexdigest()[:16]


@login_manager.user_loader
def load_user(account_id: str) -> User | None:
    """Return the user of a session's id; a disabled or removed account, or an old password, signs it out."""
    number, _, key = account_id.partition(":")
    try:
        account = db.session.get(UserAccount, int(number))
    except ValueError:
        return None
    if account is None or not account.active or key != session_key(account):
        return None
    return User.of(account)


def me() -> User:
    """Return the signed-in user (views behind `login_required` only)."""
    user: User = current_user._get_current_object()
    return user
