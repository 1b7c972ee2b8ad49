"""Who viewed an employee's appraisals: the `record_viewed` events of their access chains, for the employee.

The employee reads when, who and what for each look at their own appraisals (UU 27/2022: the subject may
know who processed their data). Who is said as the person's name and position, or for a staff account its
role; Inspektorat is named as the unit, not the auditor, as its reviews are the unit's work. Reading this
list is itself audited (`LISTED`, global chain, the employee's NIP in the data).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.models import AuditEvent

from ..appraisals.appraisal_access import INSPEKTORAT
from ..models.org import Employee, Position, Unit, UserAccount
from ..models.skp import Skp

#: The audit event of a look at the list (global chain; data: whose list, which page, through what).
LISTED = "record_views_listed"


@dataclass(frozen=True)
class View:
    """One recorded look: when, at which appraisal, who (name or unit), in what role, and what was seen."""

    occurred_at: datetime
    instance_id: int
    year: int | None
    name: str | None
    position: str | None
    unit: str | None
    role: str | None
    what: str | None
    process_id: str | None

    def as_dict(self) -> dict[str, Any]:
        """Return the view as the export and the API give it."""
        return {"pada": self.occurred_at, "instance_id": self.instance_id, "tahun": self.year, "nama": self.name,
                "jabatan": self.position, "unit": self.unit, "peran": self.role, "dilihat": self.what,
                "proses": self.process_id}


@dataclass(frozen=True)
class ViewPage:
    """A page of views, newest first, and how many there are in all."""

    views: list[View]
    total: int


def _appraisals(session: Session, employee: Employee | None) -> dict[int, int]:
    """Return {instance id: year} of the employee's own appraisals."""
    if employee is None:
        return {}
    rows = session.execute(select(Skp.instance_id, Skp.year).where(Skp.employee_id == employee.id,
                                                                   Skp.instance_id.is_not(None)))
    return {instance_id: year for instance_id, year in rows if instance_id is not None}


def _query(chains: list[str]) -> Any:
    return select(AuditEvent).where(AuditEvent.chain.in_(chains), AuditEvent.event_type == "record_viewed")


def _inspektorat(session: Session) -> str | None:
    return session.execute(select(Unit.name).where(Unit.kind == "inspektorat").order_by(Unit.id).limit(1)
                           ).scalar_one_or_none()


def _views(session: Session, events: list[AuditEvent], years: dict[int, int]) -> list[View]:
    actors = {e.actor for e in events}
    people = {nip: (name, position, unit) for nip, name, position, unit in session.execute(
        select(Employee.nip, Employee.name, Position.name, Unit.name)
        .outerjoin(Position, Position.id == Employee.position_id).outerjoin(Unit, Unit.id == Position.unit_id)
        .where(Employee.nip.in_(actors)))} if actors else {}
    scopes = dict(session.execute(select(UserAccount.username, UserAccount.scope_unit_code)
                                  .where(UserAccount.username.in_(actors))).all()) if actors else {}
    scope_names = dict(session.execute(select(Unit.code, Unit.name).where(
        Unit.code.in_({c for c in scopes.values() if c}))).all()) if any(scopes.values()) else {}
    inspektorat = _inspektorat(session) if any('"inspektorat"' in e.data for e in events) else None
    found = []
    for event in events:
        data = json.loads(event.data)
        role = data.get("peran")
        assert event.instance_id is not None
        if role == INSPEKTORAT:  # the unit reviews; the auditor's own name is not the point
            name, position, unit = None, None, inspektorat
        elif event.actor in people:
            name, position, unit = people[event.actor]
        else:  # a staff account: its name and the OPD it works for
            name, position, unit = event.actor, None, scope_names.get(scopes.get(event.actor) or "")
        found.append(View(event.occurred_at, event.instance_id, years.get(event.instance_id), name, position, unit,
                          role, data.get("dilihat"), data.get("proses")))
    return found


def views_of(session: Session, employee: Employee | None, *, limit: int, offset: int = 0) -> ViewPage:
    """Return a page of the looks at the employee's own appraisals, newest first."""
    years = _appraisals(session, employee)
    if not years:
        return ViewPage([], 0)
    query = _query([audit.access_chain_of(i) for i in years])
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    events = list(session.execute(query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
                                  .limit(limit).offset(offset)).scalars())
    return ViewPage(_views(session, events, years), int(total))


def all_views(session: Session, employee: Employee | None) -> list[View]:
    """Return every look at the employee's own appraisals, newest first (for the downloaded copy)."""
    years = _appraisals(session, employee)
    if not years:
        return []
    events = list(session.execute(_query([audit.access_chain_of(i) for i in years])
                                  .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())).scalars())
    return _views(session, events, years)


def record_listing(session: Session, username: str, nip: str | None, page: int, channel: str) -> None:
    """Audit that the person read the list of looks at their records (in the caller's transaction)."""
    audit.record(session, LISTED, username, data={"nip": nip, "akun": username, "halaman": page, "lewat": channel})
