"""External tasks: workers fetch and lock them by topic, then complete them, report a failure or a BPMN error.

The functions follow Camunda 7's external task service (what the REST API calls): only the worker that
locked a task last may act on it, and only a live lock may be extended; every change is audited in the
caller's transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.audit import Pending
from engine.clock import clock
from engine.data_limits import check_data
from engine.elements.coded_events import ScopedError
from engine.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from engine.models import ExternalTask, Instance, table_of
from engine.runtime.events import messages

from ..running.execution import ACTIVE, advance, lock, read, restore, restore_at, save, write
from ..running.lock_order import lock_instance_of
from ..running.row_limits import check_value
from ..running.run import Run


def get(session: Session, external_task_id: int) -> ExternalTask:
    """Return an external task or raise NotFound."""
    row = session.get(ExternalTask, external_task_id)
    if row is None:
        raise NotFound(f"external task {external_task_id} does not exist", external_task_id=external_task_id)
    return row


def fetch_and_lock(session: Session, worker_id: str, topics: Mapping[str, timedelta], max_tasks: int,
                   now: datetime | None = None, actor: str | None = None) -> list[ExternalTask]:
    """Lock up to max_tasks open tasks of the topics for a worker: highest priority first, then oldest.

    actor is who is audited (the API's account); it defaults to the worker id.
    """
    now = now or clock.now()
    if not topics or max_tasks <= 0:
        return []
    check_value(table_of(ExternalTask), "worker_id", worker_id)  # a client's name: refused, not truncated
    query = (select(ExternalTask).join(Instance, Instance.id == ExternalTask.instance_id)
             .where(ExternalTask.topic.in_(list(topics)), ExternalTask.state == "open",
                    or_(ExternalTask.retries.is_(None), ExternalTask.retries > 0),
                    or_(ExternalTask.lock_expires_at.is_(None), ExternalTask.lock_expires_at <= now),
                    Instance.status.in_(ACTIVE))
             .order_by(ExternalTask.priority.desc(), ExternalTask.created_at, ExternalTask.id).limit(max_tasks)
             # Several workers fetch at once: a row another one is locking is skipped, not waited for
             # (PostgreSQL; SQLite serializes writers instead).
             # The instances too, and first in the engine's order (engine/runtime/running/lock_order.py): the
             # audit events below lock them, and waiting for one while holding its task could deadlock.
             .with_for_update(of=(Instance, ExternalTask), skip_locked=True))
    rows = list(session.execute(query).scalars())
    for row in rows:
        row.worker_id, row.lock_expires_at = worker_id, now + topics[row.topic]
    session.flush()
    audit.record_many(session, [Pending("external_task_locked", actor or worker_id, row.instance_id, None, {
        **_describe(row), "worker_id": worker_id,
        "lock_expires_at": row.lock_expires_at.isoformat() if row.lock_expires_at else None})
        for row in rows])
    return rows


def variables(session: Session, external_task_id: int) -> dict[str, Any]:
    """Return the variables a worker sees for a task: the data of its task in the instance."""
    row = get(session, external_task_id)
    instance = read(session, row.instance_id)
    if instance is None:
        raise NotFound(f"instance {row.instance_id} does not exist", instance_id=row.instance_id)
    task = restore(session, instance, "system").workflow.get_task_from_id(UUID(row.spiff_task_id))
    return dict(audit.json_safe(task.data)) if task is not None else {}


def complete(session: Session, external_task_id: int, worker_id: str,
             variables: dict[str, Any] | None = None, actor: str | None = None) -> ExternalTask:
    """Complete a locked task with the worker's variables, run the instance on and save it."""
    row = _held(session, external_task_id, worker_id)
    run, task = _restore(session, row, actor or worker_id)
    check_data(variables or {})
    cleaned = audit.json_safe(variables or {})
    task.set_data(**cleaned)
    task.complete()
    _close(session, run, row, "completed", worker_id)
    run.note("external_task_completed", {**_describe(row), "worker_id": worker_id, "variables": cleaned})
    _finish(session, run)
    return row


def handle_failure(session: Session, external_task_id: int, worker_id: str, error_message: str,
                   error_details: str | None = None, retries: int = 0,
                   retry_timeout: timedelta = timedelta(0), actor: str | None = None) -> ExternalTask:
    """Record a failure: with retries left the task is fetched again after retry_timeout, else an incident."""
    row = _held(session, external_task_id, worker_id)
    actor = actor or worker_id
    now = clock.now()
    row.error_message, row.error_details, row.retries = error_message, error_details, max(retries, 0)
    row.worker_id = None
    row.lock_expires_at = now + retry_timeout if retries > 0 and retry_timeout else None
    session.flush()
    data = {**_describe(row), "worker_id": worker_id, "error_message": error_message,
            "error_details": error_details, "retries": row.retries, "incident": retries <= 0}
    if retries > 0:
        audit.record(session, "external_task_failed", actor, instance_id=row.instance_id, data=data)
        return row
    instance = lock(session, row.instance_id)
    if instance is None or instance.status not in ACTIVE:
        raise InvalidState(f"instance {row.instance_id} is {instance.status if instance else 'missing'}",
                           instance_id=row.instance_id)
    error: dict[str, Any] = {
        "message": error_message, "type": "external_task_failed", "task": row.name, "bpmn_id": row.bpmn_id,
        "task_id": row.spiff_task_id, "external_task_id": row.id, "topic": row.topic, "details": error_details,
        "line": None, "error_line": None, "notes": []}
    write(session, instance, status="error", error=error, updated_at=now)
    audit.record_many(session, [Pending("external_task_failed", actor, row.instance_id, None, data),
                                Pending("instance_failed", actor, row.instance_id, None, error)])
    return row


def handle_bpmn_error(session: Session, external_task_id: int, worker_id: str, error_code: str,
                      error_message: str | None = None, variables: dict[str, Any] | None = None,
                      actor: str | None = None) -> ExternalTask:
    """Throw a BPMN error from a locked task, caught by an error boundary event on it (or around it)."""
    row = _held(session, external_task_id, worker_id)
    run, task = _restore(session, row, actor or worker_id)
    check_data(variables or {})
    cleaned = audit.json_safe(variables or {})
    task.set_data(**cleaned)
    # Thrown as the process's own error events are, so the nearest scope around the task catches it.
    event = BpmnEvent(ScopedError(error_code, code=error_code), payload=copy.deepcopy(task.data),
                      target=task.workflow)
    event.origin = task.workflow
    run.workflow.catch(event)
    if event in run.workflow.bpmn_events:
        # Camunda would silently end the path; an error nobody handles is refused so nothing is lost.
        raise InvalidInput(f"no error event catches error code '{error_code}' thrown by external task "
                           f"{row.id} ({row.name}); add an error boundary event for it, or report a failure",
                           external_task_id=row.id, error_code=error_code)
    row.error_message = f"{error_code}: {error_message}" if error_message else error_code
    _close(session, run, row, "cancelled", worker_id)
    run.note("external_task_bpmn_error", {**_describe(row), "worker_id": worker_id, "error_code": error_code,
                                          "error_message": error_message, "variables": cleaned})
    _finish(session, run)
    return row


def extend_lock(session: Session, external_task_id: int, worker_id: str, new_duration: timedelta,
                actor: str | None = None) -> ExternalTask:
    """Extend the worker's valid lock to new_duration from now."""
    if new_duration <= timedelta(0):
        raise InvalidInput("the new lock duration must be positive", external_task_id=external_task_id)
    row = _held(session, external_task_id, worker_id, live=True)
    row.lock_expires_at = clock.now() + new_duration
    session.flush()
    audit.record(session, "external_task_lock_extended", actor or worker_id, instance_id=row.instance_id,
                 data={**_describe(row), "worker_id": worker_id,
                       "lock_expires_at": row.lock_expires_at.isoformat()})
    return row


def unlock(session: Session, external_task_id: int, actor: str) -> ExternalTask:
    """Release a task's lock so any worker may fetch it at once."""
    row = _open(session, external_task_id)
    previous = row.worker_id
    row.worker_id, row.lock_expires_at = None, None
    session.flush()
    audit.record(session, "external_task_unlocked", actor, instance_id=row.instance_id,
                 data={**_describe(row), "previous_worker_id": previous})
    return row


def reopen_failed(session: Session, run: Run) -> list[Any]:
    """Make an instance's tasks whose retries ran out fetchable again (one retry); return their workflow tasks."""
    reopened = session.execute(
        update(ExternalTask).where(ExternalTask.instance_id == run.instance.id, ExternalTask.state == "open",
                                   ExternalTask.retries == 0)
        .values(retries=1, worker_id=None, lock_expires_at=None)
        .returning(ExternalTask.id, ExternalTask.bpmn_id, ExternalTask.topic, ExternalTask.spiff_task_id)
        .execution_options(synchronize_session=False))
    tasks = []
    for found in reopened:
        run.note("external_task_reopened", {"external_task_id": found.id, "bpmn_id": found.bpmn_id,
                                            "topic": found.topic, "retries": 1})
        tasks.append(run.workflow.get_task_from_id(UUID(found.spiff_task_id)))
    return [task for task in tasks if task is not None]


def _describe(row: ExternalTask) -> dict[str, Any]:
    return {"external_task_id": row.id, "bpmn_id": row.bpmn_id, "name": row.name, "topic": row.topic}


def _open(session: Session, external_task_id: int) -> ExternalTask:
    lock_instance_of(session, table_of(ExternalTask), external_task_id)  # the instance first, as everywhere
    row = session.execute(select(ExternalTask).where(ExternalTask.id == external_task_id)
                          .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"external task {external_task_id} does not exist", external_task_id=external_task_id)
    if row.state != "open":
        raise Conflict(f"external task {external_task_id} is already {row.state}",
                       external_task_id=external_task_id, state=row.state)
    return row


def _held(session: Session, external_task_id: int, worker_id: str, live: bool = False) -> ExternalTask:
    """Return an open task whose most recent lock is this worker's; with live, a lock that has not expired.

    As in Camunda 7, a worker whose lock expired may still report on the task while no other worker
    has locked it since: refusing would only make the work (an e-mail, a SIASN update) be done twice.
    """
    row = _open(session, external_task_id)
    if row.worker_id != worker_id:
        holder = f"locked by {row.worker_id}" if row.worker_id else "not locked"
        raise Forbidden(f"external task {external_task_id} is {holder}, not by {worker_id}",
                        external_task_id=external_task_id)
    if live and (row.lock_expires_at is None or row.lock_expires_at <= clock.now()):
        raise Conflict(f"the lock of {worker_id} on external task {external_task_id} has expired; fetch it again",
                       external_task_id=external_task_id)
    return row


def _restore(session: Session, row: ExternalTask, actor: str) -> tuple[Run, Any]:
    return restore_at(session, row.instance_id, row.spiff_task_id, actor, TaskState.STARTED,
                      f"external task {row.id}", external_task_id=row.id)


def _close(session: Session, run: Run, row: ExternalTask, state: str, worker_id: str) -> None:
    row.state, row.completed_at, row.completed_by = state, clock.now(), worker_id
    row.lock_expires_at = None
    session.flush()
    run.external_before.discard(row.spiff_task_id)  # closed here, not cancelled by the sync


def _finish(session: Session, run: Run) -> None:
    advance(run)
    save(session, run)
    messages.deliver(session, run)
