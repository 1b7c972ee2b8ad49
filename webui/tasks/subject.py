"""What a task is about: the stage (its process's name) and, on an appraisal, whose appraisal it is."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HumanTask, Instance, SpecVersion
from workflows.models.org import Employee

#: The process of one employee's appraisal year; its instances are what the appraisal page shows.
APPRAISAL_PROCESS = "siklus_kinerja"


@dataclass(frozen=True)
class Subject:
    """The stage of a task and, for an appraisal, its instance, employee and year."""

    stage: str
    appraisal_id: int | None = None
    employee_name: str | None = None
    nip: str | None = None
    year: str | None = None


def subject_of(session: Session, row: HumanTask) -> Subject:
    """Return what the task is about."""
    stage = session.execute(
        select(SpecVersion.name).where(SpecVersion.process_id == row.process_id)
        .order_by(SpecVersion.version.desc()).limit(1)).scalar() or row.process_id
    instance = session.execute(select(Instance.process_id, Instance.business_key).where(
        Instance.id == row.instance_id)).first()
    if instance is None or instance.process_id != APPRAISAL_PROCESS:
        return Subject(stage=stage)
    # The cycle's business key is skp:<year>:<nip> (workflows.cycle.cycles.cycle_key), a restart adds a suffix.
    parts = instance.business_key.split(":")
    if len(parts) < 3:
        return Subject(stage=stage, appraisal_id=row.instance_id)
    name = session.execute(select(Employee.name).where(Employee.nip == parts[2])).scalar()
    return Subject(stage=stage, appraisal_id=row.instance_id, employee_name=name, nip=parts[2], year=parts[1])
