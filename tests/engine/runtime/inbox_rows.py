"""Human task rows written directly, for the inbox's query tests (no workflow runs: the inbox only reads rows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from engine.audit import seals
from engine.models import HumanTask, Instance, SpecVersion, TaskCandidate

NOW = datetime(2027, 1, 15, tzinfo=UTC)


def an_instance(session: Session) -> Instance:
    spec = SpecVersion(process_id="surat", name="Surat", version=1, sha256="0" * 64, spec_json="{}", files={},
                       main_file="surat.bpmn", start_messages=[], deployed_by="tester", deployed_at=NOW)
    instance = Instance(spec_version=spec, process_id="surat", business_key="k1", status="waiting", state="{}",
                        serializer_version="1", started_by="tester", started_at=NOW, updated_at=NOW)
    session.add(instance)
    session.flush()
    return instance


def add_task(session: Session, instance: Instance, n: int, state: str = "open", assignee: str | None = None,
             claimed_by: str | None = None, candidates: tuple[tuple[str, str], ...] = ()) -> int:
    task = HumanTask(instance_id=instance.id, spiff_task_id=f"t{n}", bpmn_id=f"Tugas_{n}", name=f"Tugas {n}",
                     process_id="surat", assignee=assignee, claimed_by=claimed_by, form={"key": None, "fields": []},
                     properties={}, state=state, created_at=NOW, due_at=NOW + timedelta(days=n % 5))
    # As the engine leaves them: a closed task's offers are kept, out of the open offers.
    task.candidates = [TaskCandidate(kind=kind, value=value, task_open=state == "open") for kind, value in candidates]
    task.seal = seals.seal_task(task, candidates)  # sealed as the engine's rows are, so it may be claimed
    session.add(task)
    session.flush()
    return task.id


def crowd(session: Session, instance: Instance, count: int, group: str | None = None) -> None:
    """Add other people's tasks, most of them closed, with statistics, as a year of a city leaves them.

    A fifth are offered to one of 40 groups, or all to `group` when given (a group's history of offers).
    """
    rows = [{"instance_id": instance.id, "spiff_task_id": f"c{n}", "bpmn_id": "Tugas", "name": "Tugas",
             "process_id": "surat", "assignee": f"pegawai{n % 300}" if n % 5 else None, "claimed_by": None,
             "form": {}, "properties": {}, "state": "open" if n % 7 == 0 else "completed", "created_at": NOW,
             "due_at": NOW} for n in range(count)]
    ids = session.execute(insert(HumanTask).returning(HumanTask.id, sort_by_parameter_order=True), rows).scalars()
    session.execute(insert(TaskCandidate), [
        {"human_task_id": task_id, "kind": "group", "value": group or f"bidang{n % 40}",
         "task_open": rows[n]["state"] == "open"} for n, task_id in enumerate(ids) if n % 5 == 0])
    session.commit()
    if session.bind is not None and session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE human_task; ANALYZE task_candidate"))
        session.commit()
