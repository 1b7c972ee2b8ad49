"""Whether `kinerja demo` may run here: never in production, and over a real organisation only when forced.

The demo adds about 80 accounts whose passwords are published (one of them an admin). On a database that holds
anything the demo did not make, those accounts would open the real organisation's data to anyone. Once they
all exist (the demo was built here), a rerun adds none, so it is allowed whatever was added since.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import KinerjaError

from ..models.org import Employee, Position, Unit, UserAccount
from .demo_org import EMPLOYEES, POSITIONS, STAFF, UNITS

#: How many names of each kind a refusal lists before "...".
SHOWN = 5


class DemoRefused(KinerjaError):
    """The demo would add known-password accounts where they do not belong."""

    code = "demo_refused"


def check_demo_allowed(session: Session, *, production: bool, force: bool) -> None:
    """Refuse the demo in production mode, and over a foreign organisation unless forced."""
    if production:
        raise DemoRefused("kinerja demo never runs in production mode (KINERJA_ENV=production): it creates "
                          "accounts with published passwords, an admin among them")
    if force or not missing_demo_accounts(session):
        return  # forced, or the demo was built here before and a rerun adds no account
    foreign = foreign_records(session)
    if foreign:
        listed = "; ".join(f"{len(names)} {kind}(s): {', '.join(names[:SHOWN])}{', ...' if len(names) > SHOWN else ''}"
                           for kind, names in foreign.items())
        raise DemoRefused(f"this database holds an organisation the demo did not make ({listed}); kinerja demo would "
                          "add accounts with published passwords, an admin among them. Use a database of its own "
                          "for the demo, or --force on a test database", foreign=foreign)


def missing_demo_accounts(session: Session) -> set[str]:
    """Return the usernames of the demo accounts the database does not hold yet."""
    return _demo_usernames() - set(session.execute(select(UserAccount.username)).scalars())


def _demo_usernames() -> set[str]:
    return {nip for nip, *_ in EMPLOYEES} | {name for name, *_ in STAFF}


def foreign_records(session: Session) -> dict[str, list[str]]:
    """Return the units, positions, employees and accounts the demo does not make, by kind (only kinds with some)."""
    demo = {
        "unit": (Unit.code, {code for code, *_ in UNITS}),
        "position": (Position.code, {code for code, *_ in POSITIONS}),
        "employee": (Employee.nip, {nip for nip, *_ in EMPLOYEES}),
        "account": (UserAccount.username, _demo_usernames()),
    }
    found: dict[str, list[str]] = {}
    for kind, (column, made_by_demo) in demo.items():
        others = sorted(set(session.execute(select(column)).scalars()) - made_by_demo)
        if others:
            found[kind] = others
    return found
