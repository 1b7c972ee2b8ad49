"""Where the year gets stuck: how long each stage took per OPD, from the audit trail, and the oldest open tasks.

A stage's time in one employee's cycle runs from the creation of its first task (`task_created`) to the
completion of its last (`task_completed`), counted once the stage has no open task left. The trail is read
in one statement (events joined to their task rows for the stage); medians and the 90th percentile are
computed here over those durations, in days.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.models import AuditEvent, HumanTask, Instance, TaskCandidate

from ..appraisals.appraisal_access import CYCLE_PROCESS
from ..models.org import Employee
from ..models.skp import Skp
from .dashboard import STAGE_OF_PROCESS, STAGES, UnitTree, year_prefix

DAY = 86400.0


@dataclass(frozen=True)
class StageTime:
    """How long one stage took in one OPD: how many cycles finished it, the median and the 90th percentile."""

    opd_code: str
    opd_name: str
    stage: str
    count: int
    median_days: float
    p90_days: float


@dataclass(frozen=True)
class OpenTask:
    """An open task of an employee's cycle, oldest first: whose year, which task, who holds it, since when."""

    task_id: int
    instance_id: int
    nip: str
    nama: str
    opd_code: str
    stage: str
    title: str
    holder: str
    created_at: datetime
    age_days: float
    due_at: datetime | None


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile (share between 0 and 1) of non-empty values."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _cycles(session: Session, year: int) -> dict[int, tuple[int, str, str]]:
    """Return {instance id: (unit id, NIP, name)} of the year's cycles (the latest SKP's unit)."""
    found: dict[int, tuple[int, str, str]] = {}
    for instance_id, unit_id, nip, name in session.execute(
            select(Instance.id, Skp.unit_id, Employee.nip, Employee.name)
            .join(Skp, Skp.instance_id == Instance.id).join(Employee, Employee.id == Skp.employee_id)
            .where(Instance.process_id == CYCLE_PROCESS, Instance.business_key.startswith(year_prefix(year)))
            .order_by(Skp.id)):
        found[instance_id] = (unit_id, nip, name)
    return found


def stage_times(session: Session, year: int, opd_code: str | None = None) -> list[StageTime]:
    """Return per OPD and stage the median and 90th-percentile days the finished stages took."""
    tree = UnitTree.load(session)
    cycles = _cycles(session, year)
    spans: dict[tuple[int, str], list[datetime | None]] = {}  # [first created, last completed]
    still_open: set[tuple[int, str]] = set()
    events = session.execute(
        select(AuditEvent.event_type, AuditEvent.occurred_at, AuditEvent.instance_id, HumanTask.process_id,
               HumanTask.state)
        .join(HumanTask, HumanTask.id == AuditEvent.human_task_id)
        .join(Instance, Instance.id == AuditEvent.instance_id)
        .where(AuditEvent.event_type.in_(("task_created", "task_completed")),
               Instance.process_id == CYCLE_PROCESS, Instance.business_key.startswith(year_prefix(year))))
    for event_type, at, instance_id, process_id, state in events:
        stage = STAGE_OF_PROCESS.get(process_id)
        if stage is None or instance_id not in cycles:
            continue
        key = (instance_id, stage)
        span = spans.setdefault(key, [None, None])
        if event_type == "task_created":
            span[0] = at if span[0] is None else min(span[0], at)
            if state == "open":
                still_open.add(key)
        else:
            span[1] = at if span[1] is None else max(span[1], at)
    durations: dict[tuple[str, str], list[float]] = {}
    for (instance_id, stage), (start, end) in spans.items():
        if start is None or end is None or (instance_id, stage) in still_open:
            continue
        opd = tree.opd(cycles[instance_id][0])
        if opd_code is None or opd.code == opd_code:
            durations.setdefault((opd.code, stage), []).append((end - start).total_seconds() / DAY)
    names = {u.code: u.name for u in tree.units.values()}
    result = [StageTime(code, names[code], stage, len(values), round(statistics.median(values), 1),
                        round(percentile(values, 0.9), 1)) for (code, stage), values in durations.items()]
    return sorted(result, key=lambda s: (s.opd_name, STAGES.index(s.stage)))


def slowest_open(session: Session, year: int, opd_code: str | None = None, limit: int = 20,
                 now: datetime | None = None) -> list[OpenTask]:
    """Return the oldest open tasks of the year's cycles (of one OPD when given), with who holds them."""
    now = now or clock.now()
    tree = UnitTree.load(session)
    cycles = _cycles(session, year)
    if opd_code is not None:
        cycles = {k: v for k, v in cycles.items() if tree.opd(v[0]).code == opd_code}
    rows = session.execute(
        select(HumanTask.id, HumanTask.instance_id, HumanTask.process_id, HumanTask.name, HumanTask.bpmn_id,
               HumanTask.assignee, HumanTask.claimed_by, HumanTask.created_at, HumanTask.due_at)
        .where(HumanTask.state == "open", HumanTask.instance_id.in_(list(cycles)))
        .order_by(HumanTask.created_at, HumanTask.id).limit(limit)).all()
    groups: dict[int, list[str]] = {}
    for task_id, value in session.execute(select(TaskCandidate.human_task_id, TaskCandidate.value).where(
            TaskCandidate.human_task_id.in_([r.id for r in rows]), TaskCandidate.kind == "group")):
        groups.setdefault(task_id, []).append(value)
    holders = {r.claimed_by or r.assignee for r in rows} - {None}
    people = dict(session.execute(select(Employee.nip, Employee.name).where(Employee.nip.in_(holders))).all()) \
        if holders else {}
    found = []
    for r in rows:
        unit_id, nip, name = cycles[r.instance_id]
        holder = r.claimed_by or r.assignee
        shown = people.get(holder, holder) if holder else ", ".join(sorted(groups.get(r.id, [])))
        found.append(OpenTask(r.id, r.instance_id, nip, name, tree.opd(unit_id).code,
                              STAGE_OF_PROCESS.get(r.process_id, r.process_id), r.name or r.bpmn_id, shown or "-",
                              r.created_at, round((now - r.created_at).total_seconds() / DAY, 1), r.due_at))
    return found
