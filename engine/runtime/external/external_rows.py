"""External tasks materialised as rows on every save, as the inbox does for human tasks (workers load no workflow)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.elements.service_tasks import ExternalServiceTask
from engine.models import ExternalTask, table_of

from ..human_tasks.assignment import evaluate_value
from ..running.run import Run
from ..running.scopes import process_id_of

EXTERNAL = table_of(ExternalTask)
_INSERT = insert(EXTERNAL).returning(EXTERNAL.c.id, sort_by_parameter_order=True)


def started_external_tasks(workflow: BpmnWorkflow) -> dict[str, Any]:
    """Return {task id: task} of the external tasks waiting for a worker (STARTED) in a workflow."""
    return {str(task.id): task for task in workflow.get_tasks(state=TaskState.STARTED)
            if isinstance(task.task_spec, ExternalServiceTask)}


def sync_many(session: Session, runs: Sequence[Run], started_tasks: Sequence[dict[str, Any]] | None = None) -> None:
    """Make the open external_task rows of several instances match their started external tasks.

    The open rows are exactly the tasks that were started when each run began, so new rows are
    inserted and vanished ones (interrupted by a boundary event, a terminated instance) cancelled by
    difference, without a query. `started_tasks` are each run's started external tasks by id, when the
    caller has them already (`find_open`).
    """
    now = clock.now()
    pending: list[tuple[Run, dict[str, Any], str | None]] = []
    for number, run in enumerate(runs):
        started = started_tasks[number] if started_tasks is not None else started_external_tasks(run.workflow)
        gone = sorted(run.external_before - set(started))
        if gone:
            _cancel(session, run, gone, now)
        with run.context():  # a priority expression may call registered functions
            for task_id, task in started.items():
                if task_id not in run.external_before:
                    priority, problem = _priority(task)
                    pending.append((run, _new_row(run, task, priority, now), problem))
        run.external_before = set(started)
    if not pending:
        return
    ids = session.connection().execute(_INSERT, [row for _, row, _ in pending]).scalars().all()
    for task_id, (run, row, problem) in zip(ids, pending, strict=True):
        data = {"external_task_id": task_id, "bpmn_id": row["bpmn_id"], "name": row["name"],
                "topic": row["topic"], "priority": row["priority"]}
        if problem:
            data["priority_error"] = problem
        run.note("external_task_created", data)


def _new_row(run: Run, task: Any, priority: int, now: datetime) -> dict[str, Any]:
    spec = task.task_spec
    return {"instance_id": run.instance.id, "spiff_task_id": str(task.id), "bpmn_id": spec.bpmn_id,
            "name": spec.bpmn_name or spec.bpmn_id, "process_id": process_id_of(task), "topic": spec.topic,
            "priority": priority, "state": "open", "worker_id": None, "lock_expires_at": None, "retries": None,
            "error_message": None, "error_details": None, "created_at": now, "completed_at": None,
            "completed_by": None}


def _priority(task: Any) -> tuple[int, str | None]:
    """Return the task's priority (camunda:taskPriority, default 0) and why it could not be read, if so."""
    written = task.task_spec.priority
    if not written:
        return 0, None
    try:
        value = evaluate_value(task, written)
        return int(value), None
    except Exception as exc:  # a bad priority must not lose the task: it is fetched at priority 0
        return 0, f"task priority '{written}' could not be read ({exc}); 0 was used"


def _cancel(session: Session, run: Run, gone: list[str], now: datetime) -> None:
    cancelled = session.execute(
        update(ExternalTask).where(ExternalTask.instance_id == run.instance.id, ExternalTask.state == "open",
                                   ExternalTask.spiff_task_id.in_(gone))
        .values(state="cancelled", completed_at=now, worker_id=None, lock_expires_at=None)
        .returning(ExternalTask.id, ExternalTask.bpmn_id, ExternalTask.topic)
        .execution_options(synchronize_session=False))
    for row in cancelled:
        run.note("external_task_cancelled", {"external_task_id": row.id, "bpmn_id": row.bpmn_id,
                                             "topic": row.topic})
