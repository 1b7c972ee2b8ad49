"""The inbox as the appraisal sees it: a user's open tasks by tab, with the year, unit and stage of each.

Read from `human_task`, `instance` and the domain tables only, in a fixed number of statements whatever
the number of tasks; no workflow is restored. What ties a task to a year and a unit is its instance's
business key (`cycles.cycle_key`, `calibration_key`, `periodic_unit_key`, `partial_period.partial_key`):
`<kind>:<year>:<subject>`. An employee's cycle takes its unit from its SKP (the unit when the year's plan
was opened), else from the employee's position; a unit's calibration or rating from the unit code; a
partial rating from the SKP it rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, cast, func, select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.models import HumanTask, Instance
from engine.runtime.human_tasks.inbox import open_ids

from ..cycle import cycles
from ..models.org import Employee, Position, Unit
from ..models.skp import Skp

TABS = ("mine", "group", "acting")
#: Business-key kinds with the year right after them: "<kind>:<year>:".
_EMPLOYEE = cycles.cycle_key(0, "").split(":")[0]
_PARTIAL = "parsial"  # partial_period.partial_key
_UNIT_KINDS = (cycles.calibration_key(0, "").split(":")[0], cycles.periodic_unit_key(0, "").split(":")[0])
_KINDS = (_EMPLOYEE, *_UNIT_KINDS, _PARTIAL)


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the list to; None shows all."""

    year: int | None = None
    unit_id: int | None = None
    stage: str | None = None


@dataclass(frozen=True)
class Row:
    """One task of the list."""

    id: int
    title: str
    stage: str
    due_at: datetime | None
    overdue: bool
    year: int | None
    unit_id: int | None
    claimed: bool
    #: {"kind": plt|plh, "position_code", "position_name"} when the task came to an acting official.
    acting_for: dict[str, str] | None


@dataclass
class UnitInfo:
    """A unit as the filter shows it."""

    id: int
    code: str
    name: str
    parent_id: int | None


@dataclass
class Inbox:
    """A page of one tab, the counts of every tab, and the choices of the filters."""

    tab: str
    rows: list[Row]
    total: int
    #: Tasks and overdue tasks per tab (year and unit filters applied, not the stage).
    counts: dict[str, int] = field(default_factory=dict)
    overdue: dict[str, int] = field(default_factory=dict)
    #: Tasks per stage of the tab shown (year and unit filters applied).
    stages: dict[str, int] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    units: list[UnitInfo] = field(default_factory=list)
    unit_names: dict[int, str] = field(default_factory=dict)


def year_of_key() -> Any:
    """Return the SQL expression of an instance's year, read from its business key (`skp:<year>:...`)."""
    key = Instance.business_key
    return case(*((key.startswith(f"{kind}:"), func.substr(key, len(kind) + 2, 4)) for kind in _KINDS),
                else_=None)


def unit_of_key() -> Any:
    """Return the SQL expression of an instance's unit id: its SKP's, its employee's, or the unit its key names."""
    key = Instance.business_key
    skp_unit = (select(Skp.unit_id).where(Skp.instance_id == Instance.id)
                .order_by(Skp.id.desc()).limit(1).scalar_subquery())
    # "skp:<year>:<nip>[:n]": the NIP is 18 characters from position 10.
    employee_unit = (select(Position.unit_id).join(Employee, Employee.position_id == Position.id)
                     .where(Employee.nip == func.substr(key, len(_EMPLOYEE) + 7, 18)).scalar_subquery())
    # The SKP by primary key ("parsial:<year>:<skp id>", digits as partial_key writes them): casting the
    # key's part, not the id, lets the lookup use the key instead of scanning every SKP.
    partial_unit = (select(Skp.unit_id).where(Skp.id == cast(func.substr(key, len(_PARTIAL) + 7), Integer))
                    .scalar_subquery())
    whens: list[Any] = [(key.startswith(f"{_EMPLOYEE}:"), func.coalesce(skp_unit, employee_unit)),
                        (key.startswith(f"{_PARTIAL}:"), partial_unit)]
    for kind in _UNIT_KINDS:
        coded = select(Unit.id).where(Unit.code == func.substr(key, len(kind) + 7)).scalar_subquery()
        whens.append((key.startswith(f"{kind}:"), coded))
    return case(*whens, else_=None)


def _tab(user: Any) -> Any:
    acting = HumanTask.properties["acting_for"]["position_code"].as_string()
    return case((HumanTask.claimed_by == user, "mine"),
                (and_(HumanTask.assignee == user, acting.is_(None)), "mine"),
                (HumanTask.assignee == user, "acting"), else_="group")


def all_units(session: Session) -> dict[int, UnitInfo]:
    """Return every unit by id (one statement; the chart of a city is a few hundred rows)."""
    return {r.id: UnitInfo(r.id, r.code, r.name, r.parent_id)
            for r in session.execute(select(Unit.id, Unit.code, Unit.name, Unit.parent_id))}


def units_within(units: dict[int, UnitInfo], root: int) -> set[int]:
    """Return the ids of a unit and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for unit in units.values():
        children.setdefault(unit.parent_id, []).append(unit.id)
    found, todo = set(), [root]
    while todo:
        unit_id = todo.pop()
        if unit_id not in found:
            found.add(unit_id)
            todo.extend(children.get(unit_id, []))
    return found


@cache
def _statements(with_groups: bool, by_year: bool, by_units: bool, by_stage: bool) -> tuple[Any, Any]:
    """Return the facets and page statements for the filters in use, built once with bound parameters.

    Parameters: user, groups, now, tab, year, units, stage, limit, offset. Building these expressions
    (the year, unit and tab CASEs with their subqueries) and keying them for the cache cost several times
    what the database takes to answer, so they are built once per combination of filters.
    """
    user = bindparam("user")
    year_of, unit_of, tab_of = year_of_key().label("year"), unit_of_key().label("unit_id"), _tab(user).label("tab")
    overdue = and_(HumanTask.due_at.is_not(None), HumanTask.due_at < bindparam("now"))
    visible = HumanTask.id.in_(open_ids(with_groups))
    facets = (select(tab_of, HumanTask.process_id, case((overdue, 1), else_=0).label("late"), year_of, unit_of,
                     func.count().label("n"))
              .join(Instance, Instance.id == HumanTask.instance_id).where(visible)
              .group_by(tab_of, HumanTask.process_id, "late", year_of, unit_of))
    where = [visible, tab_of == bindparam("tab")]
    if by_year:
        where.append(year_of == bindparam("year"))
    if by_units:
        where.append(unit_of.in_(bindparam("units", expanding=True)))
    if by_stage:
        where.append(HumanTask.process_id == bindparam("stage"))
    page = (select(HumanTask.id, HumanTask.name, HumanTask.bpmn_id, HumanTask.process_id, HumanTask.due_at,
                   HumanTask.claimed_by, HumanTask.properties, year_of, unit_of)
            .join(Instance, Instance.id == HumanTask.instance_id).where(*where)
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
            .limit(bindparam("limit")).offset(bindparam("offset")))
    return facets, page


def inbox_of(session: Session, user: str, groups: Sequence[str], tab: str = "mine",
             filters: Filters = Filters(), *, limit: int = 25, offset: int = 0) -> Inbox:
    """Return one page of a tab of the user's inbox, most urgent first, with every tab's counts."""
    tab = tab if tab in TABS else "mine"
    now = clock.now()
    units = all_units(session)
    allowed = units_within(units, filters.unit_id) if filters.unit_id in units else None
    facets_of, page_of = _statements(bool(groups), bool(filters.year), allowed is not None, bool(filters.stage))
    params: dict[str, Any] = {"user": user, "groups": list(groups), "now": now, "tab": tab, "limit": limit,
                              "offset": offset}
    facets = session.execute(facets_of, params).all()
    result = Inbox(tab=tab, rows=[], total=0, counts=dict.fromkeys(TABS, 0), overdue=dict.fromkeys(TABS, 0))
    years, unit_ids = set(), set()
    for f in facets:
        year = int(f.year) if f.year and f.year.isdigit() else None
        if f.tab == tab:
            years.update([year] if year else [])
            unit_ids.update([f.unit_id] if f.unit_id else [])
        if (filters.year and year != filters.year) or (allowed is not None and f.unit_id not in allowed):
            continue
        result.counts[f.tab] += f.n
        result.overdue[f.tab] += f.n * f.late
        if f.tab == tab:
            result.stages[f.process_id] = result.stages.get(f.process_id, 0) + f.n
            if not filters.stage or f.process_id == filters.stage:
                result.total += f.n
    result.years = sorted(years, reverse=True)
    result.units = sorted((units[i] for i in unit_ids if i in units), key=lambda u: u.name)
    result.unit_names = {i: u.name for i, u in units.items()}
    if filters.year:
        params["year"] = f"{filters.year:04d}"
    if allowed is not None:
        params["units"] = sorted(allowed)
    if filters.stage:
        params["stage"] = filters.stage
    for r in session.execute(page_of, params):
        result.rows.append(Row(
            id=r.id, title=r.name or r.bpmn_id, stage=r.process_id, due_at=r.due_at,
            overdue=r.due_at is not None and r.due_at < now,
            year=int(r.year) if r.year and r.year.isdigit() else None, unit_id=r.unit_id,
            claimed=r.claimed_by is not None, acting_for=(r.properties or {}).get("acting_for")))
    return result
