"""Creating instances: insert their rows, run their first steps and save them, in batches.

Delivering the messages the new instances throw is left to the caller (`instances.start_many`, or
`messages.route` when a message starts a process), so routing and starting need not import each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.data_limits import check_data
from engine.errors import Conflict
from engine.models import SpecVersion

from ..human_tasks.assignment import initiator_variables
from ..running.execution import INSTANCE, advance, attach_engine, new_workflow, read, save_many
from ..running.row_limits import check_row
from ..running.rows import InstanceRow
from ..running.run import Run

_EXISTING = select(INSTANCE.c.business_key, INSTANCE.c.id).where(
    INSTANCE.c.process_id == bindparam("process_id"), INSTANCE.c.business_key.in_(bindparam("keys", expanding=True)))
_INSERT = insert(INSTANCE).returning(INSTANCE.c.id, sort_by_parameter_order=True)


def launch(session: Session, spec_version: SpecVersion, items: Sequence[tuple[str, dict[str, Any] | None]],
           actor: str = "system", message: Any = None) -> tuple[list[Run], list[InstanceRow]]:
    """Start an instance per (business key, data), skipping keys already started.

    Return the runs of the new instances (their thrown messages still in the outbox) and every
    instance in the order of the items. All rows of a batch are written with one statement per kind.
    """
    keys = [key for key, _ in items]
    existing = dict(session.connection().execute(
        _EXISTING, {"process_id": spec_version.process_id, "keys": keys}).all())
    fresh: dict[str, dict[str, Any] | None] = {}
    for key, data in items:
        if key not in existing and key not in fresh:
            fresh[key] = data
    runs = _insert_runs(session, spec_version, fresh, actor) if fresh else []
    for run in runs:
        advance(run)
        if message is not None and run.instance.status != "error":
            run.workflow.send_event(message)  # a message start event
            advance(run)
    if runs:
        save_many(session, runs)
    started = {run.instance.business_key: run.instance for run in runs}
    return runs, [started[key] if key in started else _existing(session, existing[key]) for key in keys]


def _existing(session: Session, instance_id: int) -> InstanceRow:
    row = read(session, instance_id)
    assert row is not None  # found by business key in this transaction
    return row


def _insert_runs(session: Session, spec_version: SpecVersion, fresh: dict[str, dict[str, Any] | None],
                 actor: str) -> list[Run]:
    """Insert the new instance rows (so the first steps' scripts and resolvers can refer to them)."""
    now = clock.now()
    rows: list[dict[str, Any]] = [
        {"spec_version_id": spec_version.id, "process_id": spec_version.process_id, "business_key": key,
             "status": "running", "state": "", "serializer_version": "", "version": 1, "next_timer_at": None,
             "error": None, "status_reason": None, "started_by": actor, "started_at": now, "updated_at": now,
             "ended_at": None, "audit_seq": 0, "audit_hash": audit.GENESIS} for key in fresh]
    for row in rows:  # no instance can hold such a key: refused before anything is written
        check_row(INSTANCE, row, ("business_key", "started_by"))
    try:
        ids = session.connection().execute(_INSERT, rows).scalars().all()
    except IntegrityError as exc:
        raise Conflict("an instance with one of these business keys was started concurrently",
                       business_keys=list(fresh)) from exc
    runs = []
    for instance_id, row, data in zip(ids, rows, fresh.values(), strict=True):
        instance = InstanceRow(id=instance_id, spec_sha256=spec_version.sha256, **row)
        workflow = new_workflow(session, spec_version.id, spec_version.sha256)
        check_data(data or {})
        clean = audit.json_safe(data or {})
        for name in initiator_variables(workflow.spec):
            clean.setdefault(name, actor)  # as in Camunda, a variable given at the start wins
        workflow.get_next_task(state=TaskState.READY, spec_name="Start").data.update(clean)
        run = Run(instance, workflow, actor, session=session)
        run.journal = attach_engine(workflow)
        run.note("instance_started", {"process_id": spec_version.process_id, "version": spec_version.version,
                                      "spec_version_id": spec_version.id, "business_key": row["business_key"],
                                      "data": clean})
        runs.append(run)
    return runs


