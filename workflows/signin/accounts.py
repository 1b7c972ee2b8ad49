"""Sign-in accounts: authentication, the password rules, and the operator's create/reset/disable (audited)."""

from __future__ import annotations

import re
import secrets
from functools import cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engine import audit
from engine.clock import clock
from engine.errors import FormInvalid, InvalidInput, NotFound

from ..models.org import Employee, Unit, UserAccount

#: The shortest password accepted.
PASSWORD_MIN_LENGTH = 10
#: Demo passwords (`kinerja-1234`, `kinerja-admin`) are public: never accepted as a chosen password.
DEMO_PATTERN = re.compile(r"^kinerja-", re.IGNORECASE)
ROLE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,49}$")
#: Letters and digits that cannot be mistaken for one another when read aloud or typed from paper.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"

#: Password error codes → the English message (the web shows a translated sentence per code).
PASSWORD_CODES = {
    "password_too_short": f"the password must have at least {PASSWORD_MIN_LENGTH} characters",
    "password_has_username": "the password must not contain the NIP or username",
    "password_demo_pattern": "the password must not follow the demo pattern kinerja-...",
    "password_unchanged": "the new password must differ from the current one",
    "password_wrong": "the current password is wrong",
}


@cache
def _current_method() -> str:
    """Return the method prefix of a hash made today (e.g. `scrypt:32768:8:1`)."""
    return generate_password_hash("probe").split("$", 1)[0]


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(session: Session, username: str, password: str) -> UserAccount | None:
    """Return the active account whose password this is, else None; an older-method hash is upgraded.

    Unknown, disabled and wrong-password sign-ins take the same time and give the same answer, so
    nobody can learn which accounts exist.
    """
    account = session.execute(select(UserAccount).where(
        UserAccount.username == username.strip())).scalar_one_or_none()
    if account is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(account.password_hash, password) or not account.active:
        return None
    if account.password_hash.split("$", 1)[0] != _current_method():
        account.set_password(password)
        session.flush()
    return account


def password_problems(password: str, username: str) -> list[str]:
    """Return the codes of the rules a new password breaks (empty when it is acceptable)."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append("password_too_short")
    if username and username.lower() in password.lower():
        problems.append("password_has_username")
    if DEMO_PATTERN.match(password):
        problems.append("password_demo_pattern")
    return problems


def _invalid(path: str, codes: list[str]) -> FormInvalid:
    return FormInvalid({path: [{"code": code, "message": PASSWORD_CODES[code]} for code in codes]})


def change_password(session: Session, account: UserAccount, current: str, new: str) -> None:
    """Replace the account's password after checking the current one and the rules; flush."""
    if not check_password_hash(account.password_hash, current):
        raise _invalid("current_password", ["password_wrong"])
    problems = password_problems(new, account.username)
    if not problems and new == current:
        problems.append("password_unchanged")
    if problems:
        raise _invalid("new_password", problems)
    account.set_password(new)
    account.must_change_password = False
    audit.record(session, "password_changed", account.username, data={"username": account.username})
    session.flush()


def temporary_password() -> str:
    """Return a random password to hand over on paper, to be changed on first sign-in."""
    groups = ["".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)


def account_by_username(session: Session, username: str) -> UserAccount:
    """Return the account of a username; NotFound when there is none."""
    account = session.execute(select(UserAccount).where(UserAccount.username == username)).scalar_one_or_none()
    if account is None:
        raise NotFound(f"no account {username!r}")
    return account


def create_account(session: Session, username: str, actor: str, *, roles: list[str] | None = None,
                   scope_unit_code: str | None = None, employee_nip: str | None = None) -> tuple[UserAccount, str]:
    """Create an account with a temporary password; return it and the password (shown once); flush.

    A username of digits is an employee's NIP and signs in as that employee unless `employee_nip` says
    otherwise; roles are group names of the processes' lanes (pengelola_kinerja, inspektorat, ...).
    """
    username = username.strip()
    roles = list(dict.fromkeys(roles or []))
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise InvalidInput(f"username {username!r} is empty, too long or contains spaces")
    if session.execute(select(UserAccount.id).where(UserAccount.username == username)).first():
        raise InvalidInput(f"account {username!r} already exists")
    for role in roles:
        if not ROLE_PATTERN.match(role):
            raise InvalidInput(f"role {role!r} is not a group name (lowercase letters, digits, _)")
    if scope_unit_code is not None and session.execute(
            select(Unit.id).where(Unit.code == scope_unit_code)).first() is None:
        raise NotFound(f"no unit {scope_unit_code!r}")
    employee = _employee(session, employee_nip or (username if username.isdigit() else None))
    if employee is None and not roles:
        raise InvalidInput("an account needs an employee (a NIP) or at least one --role")
    password = temporary_password()
    account = UserAccount(username=username, employee=employee, roles=roles, scope_unit_code=scope_unit_code,
                          active=True, created_at=clock.now(), must_change_password=True)
    account.set_password(password)
    session.add(account)
    session.flush()
    audit.record(session, "account_created", actor, data=_described(account))
    return account, password


def _employee(session: Session, nip: str | None) -> Employee | None:
    if nip is None:
        return None
    employee = session.execute(select(Employee).where(Employee.nip == nip)).scalar_one_or_none()
    if employee is None:
        raise NotFound(f"no employee with NIP {nip}")
    return employee


def _described(account: UserAccount) -> dict[str, Any]:
    """Return what the audit trail keeps of an account (never its password or hash)."""
    return {"username": account.username, "roles": list(account.roles or []),
            "scope_unit_code": account.scope_unit_code,
            "employee_nip": account.employee.nip if account.employee is not None else None}


def reset_password(session: Session, username: str, actor: str) -> str:
    """Give the account a new temporary password that must be changed on sign-in; return it; flush."""
    account = account_by_username(session, username)
    password = temporary_password()
    account.set_password(password)
    account.must_change_password = True
    audit.record(session, "password_reset", actor, data={"username": account.username})
    session.flush()
    return password


def set_active(session: Session, username: str, active: bool, actor: str) -> UserAccount:
    """Enable or disable an account (a disabled one is signed out at its next request); flush."""
    account = account_by_username(session, username)
    if account.active == active:
        raise InvalidInput(f"account {username!r} is already {'enabled' if active else 'disabled'}")
    account.active = active
    audit.record(session, "account_enabled" if active else "account_disabled", actor,
                 data={"username": account.username})
    session.flush()
    return account


def clear_forced_change(session: Session) -> int:
    """Clear every account's forced password change (test databases only); return how many; flush."""
    result = session.execute(update(UserAccount).where(UserAccount.must_change_password.is_(True))
                             .values(must_change_password=False))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
