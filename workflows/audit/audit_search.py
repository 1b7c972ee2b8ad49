"""What auditors search: every process instance by person, unit, year, process and state; and who looked at what.

Read from `instance`, `audit_event` and the organisation tables in a fixed number of statements per page,
never restoring a workflow. An instance's year, unit and person come from its business key
(`<kind>:<year>:<subject>`, see `inbox_view`): an employee's cycle names the NIP, a partial rating the SKP
(whose employee is the person), a unit's calibration or periodic rating the unit code (no person).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from engine.clock import clock
from engine.models import AuditEvent, Instance, SpecVersion

# The business-key readers of the inbox: one definition of what a key says about year and unit.
from ..inbox.inbox_view import UnitInfo, all_units, unit_of_key, units_within, year_of_key
from ..models.org import Employee
from ..models.skp import Skp

#: Instance states an auditor can filter by (engine statuses).
STATES = ("running", "waiting", "completed", "error", "suspended", "terminated")
#: A person reading their own records (global chain, the actor is the person): listed with the looks.
OWN_DATA_EVENTS = ("personal_data_exported", "record_views_listed")


@dataclass(frozen=True)
class InstanceFilters:
    """What the auditor narrowed the search to; None or empty means any."""

    text: str = ""
    unit_id: int | None = None
    year: int | None = None
    process_id: str | None = None
    state: str | None = None


@dataclass(frozen=True)
class InstanceRow:
    """One instance of the search: what process, whose or which unit's, which year, in what state."""

    id: int
    process_id: str
    business_key: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    year: int | None
    unit_id: int | None
    nip: str | None
    name: str | None


@dataclass
class Page:
    """A page of rows, how many match in all, and the units by id (for names and the unit filter)."""

    rows: list[Any]
    total: int
    units: dict[int, UnitInfo] = field(default_factory=dict)
    processes: list[str] = field(default_factory=list)


def subject_nip() -> Any:
    """Return the NIP an instance's business key names (an employee's cycle, a partial rating), else NULL."""
    key = Instance.business_key
    partial_nip = (select(Employee.nip).join(Skp, Skp.employee_id == Employee.id)
                   .where(cast(Skp.id, String) == func.substr(key, len("parsial:") + 6)).scalar_subquery())
    return case((key.startswith("skp:"), func.substr(key, len("skp:") + 6, 18)),
                (key.startswith("parsial:"), partial_nip), else_=None)


def _text_match(text: str, *columns: Any) -> Any:
    like = f"%{text.strip().lower()}%"
    return or_(*(func.lower(column).like(like) for column in columns))


def search_instances(session: Session, filters: InstanceFilters, *, limit: int = 25, offset: int = 0) -> Page:
    """Return a page of instances of every process matching the filters, newest first (four statements)."""
    units = all_units(session)
    nip, year, unit = subject_nip().label("nip"), year_of_key().label("year"), unit_of_key().label("unit_id")
    base = (select(Instance.id, Instance.process_id, Instance.business_key, Instance.status, Instance.started_at,
                   Instance.ended_at, year, unit, nip, Employee.name)
            .outerjoin(Employee, Employee.nip == nip))
    where: list[Any] = []
    if filters.text:
        where.append(_text_match(filters.text, Employee.name, Instance.business_key))
    if filters.year:
        where.append(year == f"{filters.year:04d}")
    if filters.unit_id is not None:
        where.append(unit.in_(sorted(units_within(units, filters.unit_id)) if filters.unit_id in units else []))
    if filters.process_id:
        where.append(Instance.process_id == filters.process_id)
    if filters.state:
        where.append(Instance.status == filters.state)
    query = base.where(*where)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = [InstanceRow(r.id, r.process_id, r.business_key, r.status, r.started_at, r.ended_at,
                        int(r.year) if r.year and r.year.isdigit() else None, r.unit_id, r.nip, r.name)
            for r in session.execute(query.order_by(Instance.id.desc()).limit(limit).offset(offset))]
    processes = list(session.execute(select(SpecVersion.process_id).distinct()
                                     .order_by(SpecVersion.process_id)).scalars())
    return Page(rows, int(total), units, processes)


@dataclass(frozen=True)
class AccessFilters:
    """Who looked (account or name), at whose records (NIP or name), in which unit, between which days."""

    viewer: str = ""
    employee: str = ""
    unit_id: int | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AccessRow:
    """One recorded look: who, when, at which instance (whose), and what was looked at."""

    event_id: int
    occurred_at: datetime
    actor: str
    actor_name: str | None
    #: None (and process_id None) for a person's look at their own data (`OWN_DATA_EVENTS`).
    instance_id: int | None
    process_id: str | None
    nip: str | None
    name: str | None
    unit_id: int | None
    data: dict[str, Any]
    event_type: str = "record_viewed"


def _local_start(day: date) -> datetime:
    """Return the UTC moment a local (WITA) day begins."""
    return datetime.combine(day, time(), tzinfo=clock.local_tz)


def search_access(session: Session, filters: AccessFilters, *, limit: int = 25, offset: int = 0) -> Page:
    """Return a page of the recorded looks at records across the city, newest first (three statements).

    A person's download of their own data and their reading of who viewed it (`OWN_DATA_EVENTS`) are listed
    too, without an instance.
    """
    units = all_units(session)
    viewer = aliased(Employee)
    own = AuditEvent.event_type.in_(OWN_DATA_EVENTS)
    # A look at one's own data is by the person: the actor (an employee's NIP) is whose records they are.
    nip = case((own, AuditEvent.actor), else_=subject_nip()).label("nip")
    unit = unit_of_key().label("unit_id")
    base = (select(AuditEvent.id, AuditEvent.occurred_at, AuditEvent.actor, viewer.name.label("actor_name"),
                   AuditEvent.instance_id, AuditEvent.data, Instance.process_id, nip, Employee.name, unit,
                   AuditEvent.event_type)
            .outerjoin(Instance, Instance.id == AuditEvent.instance_id)
            .outerjoin(Employee, Employee.nip == nip).outerjoin(viewer, viewer.nip == AuditEvent.actor))
    where: list[Any] = [or_(and_(AuditEvent.event_type == "record_viewed", AuditEvent.chain.like("access:%")),
                            and_(own, AuditEvent.chain == "global"))]
    if filters.viewer:
        where.append(_text_match(filters.viewer, AuditEvent.actor, viewer.name))
    if filters.employee:
        where.append(_text_match(filters.employee, Employee.name, func.coalesce(Instance.business_key, nip)))
    if filters.unit_id is not None:
        where.append(unit.in_(sorted(units_within(units, filters.unit_id)) if filters.unit_id in units else []))
    if filters.since:
        where.append(AuditEvent.occurred_at >= _local_start(filters.since))
    if filters.until:
        where.append(AuditEvent.occurred_at < _local_start(filters.until + timedelta(days=1)))
    query = base.where(and_(*where))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = [AccessRow(r.id, r.occurred_at, r.actor, r.actor_name, r.instance_id, r.process_id, r.nip, r.name,
                      r.unit_id, json.loads(r.data), r.event_type)
            for r in session.execute(query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
                                     .limit(limit).offset(offset))]
    return Page(rows, int(total), units)
