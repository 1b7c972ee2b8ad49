"""Set-up of the HTTP load benchmark (never timed): the city opened, and the simulated users' accounts.

The database is filled as `bench.city` does (generated org CSV, bpmn/ deployed strictly, the 2027 cycle
opened as of 4 January 2027), then accounts are made for pairs of users: a staff employee (whose
*Susun SKP* is open) and the seksi head who appraises them (*Tinjau SKP*). Each account gets a known
password, no forced change, and an API token for `GET /api/v1/tasks`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from engine.clock import clock
from workflows.models.org import Employee, Position
from workflows.signin import accounts, api_tokens

from . import city_open, org_gen
from .kinerja import Factory

ACTOR = "bench"


@dataclass(frozen=True)
class Account:
    """A simulated user: username (NIP), password, API token, and the role in its pair."""

    username: str
    password: str
    token: str
    role: str  # "pegawai" (drafts and signs the SKP) or "penilai" (reviews it)


def fill(factory: Factory, employees: int) -> None:
    """Import the generated city and deploy bpmn/ a month ago, then open the 2027 cycle as of 4 January 2027.

    The web workers run on the real clock: positions held from the import date must already be held
    now, or the appraiser's lane finds nobody and *Tinjau SKP* falls to the operators.
    """
    try:
        clock.set(datetime.now(UTC) - timedelta(days=30))
        city_open.prepare(factory, org_gen.write_csv(employees))
        clock.set(city_open.T0)
        city_open.run_kinerja(factory, None)
    finally:
        clock.set(None)


def pairs(factory: Factory, count: int) -> list[tuple[str, str]]:
    """Return `count` (staff NIP, appraiser NIP) pairs: staff whose position reports to a held seksi post.

    In the generated city every seksi head has at most one staff member at 1,000 employees, so the
    pairs share nobody; a head met twice is skipped, as the users of a pair must be distinct.
    """
    boss_post, boss = aliased(Position), aliased(Employee)
    rows = factory().execute(
        select(Employee.nip, boss.nip).join(Employee.position).join(boss_post, Position.reports_to)
        .join(boss, boss.position_id == boss_post.id)
        .where(Position.kind.in_(("pelaksana", "fungsional")), Employee.status == "aktif")
        .order_by(Employee.nip)).all()
    chosen: list[tuple[str, str]] = []
    used: set[str] = set()
    for staff, head in rows:
        if staff in used or head in used:
            continue
        used.update((staff, head))
        chosen.append((staff, head))
        if len(chosen) == count:
            return chosen
    raise SystemExit(f"only {len(chosen)} staff/appraiser pairs in this city: generate more employees")


def make_accounts(factory: Factory, users: int) -> list[Account]:
    """Create `users` accounts (pairs of employee and appraiser; an odd last one is an employee alone)."""
    chosen = pairs(factory, (users + 1) // 2)
    names = [(nip, role) for staff, head in chosen for nip, role in ((staff, "pegawai"), (head, "penilai"))]
    made = []
    with factory() as session:
        for nip, role in names[:users]:
            account, _ = accounts.create_account(session, nip, ACTOR)
            password = "beban-" + secrets.token_urlsafe(12)
            account.set_password(password)
            account.must_change_password = False  # no first-sign-in password change in the run
            _, token = api_tokens.issue(session, account, "bench", ACTOR)
            made.append(Account(nip, password, token, role))
        session.commit()
    return made
