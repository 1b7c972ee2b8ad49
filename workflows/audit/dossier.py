"""The case dossier of an instance: its stages, its records, the definitions it ran on, its trail and chain state.

One structure for the printable PDF (and the pages that show it): an auditor's evidence of what happened in
a case, from the tables and the audit trail only (no workflow is restored).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.models import HumanTask, SpecVersion

from ..appraisals import appraisal_views
from .audit_search import InstanceFilters, InstanceRow, search_instances
from .audit_trail import Case, case_of


@dataclass(frozen=True)
class Stage:
    """One process the case's tasks ran in: how many tasks, how many still open, from when to when."""

    process_id: str
    tasks: int
    open: int
    first_at: datetime | None
    last_at: datetime | None


@dataclass
class Dossier:
    """Everything the printed dossier shows."""

    case: Case
    stages: list[Stage]
    #: The employee's other instances of the same year (partial ratings, an earlier cycle...).
    related: list[InstanceRow]
    #: The appraisal's records (`appraisal_views.records`), None for other processes.
    records: dict[str, Any] | None
    specs: list[SpecVersion] = field(default_factory=list)


def stages_of(session: Session, instance_id: int) -> list[Stage]:
    """Return the processes the instance's tasks ran in, in the order they began."""
    rows = session.execute(
        select(HumanTask.process_id, func.count(), func.sum(case((HumanTask.state == "open", 1), else_=0)),
               func.min(HumanTask.created_at), func.max(HumanTask.completed_at))
        .where(HumanTask.instance_id == instance_id).group_by(HumanTask.process_id)
        .order_by(func.min(HumanTask.created_at)))
    return [Stage(r[0], int(r[1]), int(r[2] or 0), r[3], r[4]) for r in rows]


def specs_of(session: Session, case: Case) -> list[SpecVersion]:
    """Return the definition versions the instance ran on: its own, and every one it was moved from or to."""
    ids = {case.instance.spec_version_id}
    for event in case.events:
        if event.event_type == "instance_migrated":
            ids.update(v for k, v in event.data.items() if k.endswith("spec_version_id") and isinstance(v, int))
    return list(session.execute(select(SpecVersion).where(SpecVersion.id.in_(ids))
                                .order_by(SpecVersion.deployed_at, SpecVersion.id)).scalars())


def dossier_of(session: Session, instance_id: int) -> Dossier | None:
    """Return the dossier of an instance, or None when there is no such instance."""
    case = case_of(session, instance_id)
    if case is None:
        return None
    related: list[InstanceRow] = []
    if case.nip:
        year = _year_of(case.instance.business_key)
        found = search_instances(session, InstanceFilters(text=case.nip, year=year), limit=50)
        related = [row for row in found.rows if row.id != instance_id and row.nip == case.nip]
    records = appraisal_views.records(session, instance_id) if case.is_appraisal else None
    return Dossier(case, stages_of(session, instance_id), related, records, specs_of(session, case))


def _year_of(business_key: str) -> int | None:
    parts = business_key.split(":")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None
