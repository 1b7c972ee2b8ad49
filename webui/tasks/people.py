"""Readable names of the people and groups a task names: accounts by their employee's name, roles by title."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.human_tasks.assignment import operators_group
from workflows.models.org import Employee, UserAccount

#: Role (the part of a candidate group before ':') → the title users know it by.
ROLE_NAMES: dict[str, Any] = {
    "pengelola_kinerja": _l("Pengelola Kinerja"),
    "inspektorat": _l("Inspektorat"),
    "admin": _l("Administrators"),
    "wali_kota": _l("Wali Kota"),
    "tim_penilai_kinerja": _l("Tim Penilai Kinerja"),
}


def group_name(group: str) -> str:
    """Return a candidate group as users read it: 'pengelola_kinerja:BKPSDM' → 'Pengelola Kinerja BKPSDM'."""
    if group == operators_group():
        return str(_l("Operators"))
    role, _, scope = group.partition(":")
    title = str(ROLE_NAMES.get(role, role.replace("_", " ").title()))
    return f"{title} {scope}" if scope else title


def user_names(session: Session, usernames: Iterable[str | None]) -> dict[str, str]:
    """Return {username: the employee's name, or the username of a staff account} in one query."""
    wanted = sorted({u for u in usernames if u})
    if not wanted:
        return {}
    found = dict(session.execute(
        select(UserAccount.username, Employee.name).outerjoin(Employee, UserAccount.employee_id == Employee.id)
        .where(UserAccount.username.in_(wanted))).all())
    return {u: found.get(u) or u for u in wanted}


@dataclass
class Holders:
    """Who a task is for: its holder, and who else may take it (names and readable group titles)."""

    holder: str | None = None
    holder_name: str | None = None
    users: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def holders_of(session: Session, assignee: str | None, claimed_by: str | None,
               candidates: Sequence[tuple[str, str]], me: str) -> Holders:
    """Return the holder of a task and the other candidates (the signed-in user left out)."""
    holder = assignee or claimed_by
    users = [value for kind, value in candidates if kind == "user" and value not in (me, holder)]
    names = user_names(session, [holder, *users])
    return Holders(holder=holder, holder_name=names.get(holder) if holder else None,
                   users=[names[u] for u in users],
                   groups=sorted({group_name(value) for kind, value in candidates if kind == "group"}))
