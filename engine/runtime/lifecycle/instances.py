"""Process instances: start, inspect, suspend, resume, terminate and retry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.data_limits import check_data
from engine.elements.joins import merge_branches
from engine.errors import InvalidState, NotFound
from engine.models import HumanTask, Instance, SpecVersion
from engine.runtime.events import messages
from engine.runtime.external import external_tasks
from engine.runtime.human_tasks import inbox

from ..running.execution import ACTIVE, ENDED, advance, fail, lock, read, restore, save, write
from ..running.rows import InstanceRow
from ..running.run import Run
from ..running.scopes import embedding_task, scope_task
from .launch import launch
from .migration import migrate


def find(session: Session, process_id: str, business_key: str) -> Instance | None:
    """Return the instance of a process with this business key, if any."""
    return session.execute(select(Instance).where(Instance.process_id == process_id,
                                                  Instance.business_key == business_key)).scalar_one_or_none()


def get(session: Session, instance_id: int) -> Instance:
    """Return an instance or raise NotFound."""
    instance = session.get(Instance, instance_id)
    if instance is None:
        raise NotFound(f"instance {instance_id} does not exist", instance_id=instance_id)
    return instance


def start(session: Session, spec_version: SpecVersion, data: dict[str, Any] | None, business_key: str,
          actor: str = "system", message: Any = None) -> InstanceRow:
    """Start an instance (or return the existing one with this business key), run it and save it."""
    return start_many(session, spec_version, [(business_key, data)], actor, message)[0]


def start_many(session: Session, spec_version: SpecVersion, items: Sequence[tuple[str, dict[str, Any] | None]],
               actor: str = "system", message: Any = None) -> list[InstanceRow]:
    """Start an instance per (business key, data), skipping keys already started; return them in order.

    Opening a cycle starts thousands: all rows of a batch are written with one statement per kind.
    """
    runs, instances = launch(session, spec_version, items, actor, message)
    for run in runs:
        messages.deliver(session, run)
    return instances


def variables(run: Run) -> dict[str, Any]:
    """Return the instance's current variables: the data of its open frontier, or the final data.

    Parallel branches are combined as the join will combine them (`joins.merge_branches`): by what each
    changed since they split, so a list one branch updated (a unit's members after a transfer) is shown
    as updated, not as another branch's older copy. A branch waiting at a join holds its data in the
    task that reached the join.
    """
    workflow = run.workflow
    if workflow.is_completed():
        return dict(workflow.data)
    frontier = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR)
    ends = [task.parent if isinstance(task.task_spec, UnstructuredJoin) and task.state == TaskState.WAITING
            and task.parent is not None else task for task in frontier]
    # A running embedded sub-process task holds the data it started with; the tasks inside hold the
    # current data, and count as branches where the sub-process task stands.
    running = {embedding_task(task).id for task in ends if embedding_task(task) is not None}
    ends = [task for task in ends if task.id not in running]
    if not ends:
        return dict(workflow.last_task.data) if workflow.last_task else {}
    ends.sort(key=lambda t: t.last_state_change)
    return merge_branches(ends, [scope_task(t) for t in ends]) if len(ends) > 1 else dict(ends[0].data)


def load(session: Session, instance_id: int, actor: str = "system") -> Run:
    """Restore an instance's workflow for reading (no lock)."""
    return restore(session, _read(session, instance_id), actor)


def _read(session: Session, instance_id: int) -> InstanceRow:
    instance = read(session, instance_id)
    if instance is None:
        raise NotFound(f"instance {instance_id} does not exist", instance_id=instance_id)
    return instance


def _locked(session: Session, instance_id: int) -> InstanceRow:
    instance = lock(session, instance_id)
    if instance is None:
        raise NotFound(f"instance {instance_id} does not exist", instance_id=instance_id)
    return instance


def suspend(session: Session, instance_id: int, actor: str, reason: str) -> InstanceRow:
    """Suspend an active instance: its tasks cannot be completed and its timers wait."""
    instance = _locked(session, instance_id)
    if instance.status not in ACTIVE:
        raise InvalidState(f"instance {instance_id} is {instance.status}; only a running or waiting "
                           "instance can be suspended", status=instance.status)
    write(session, instance, status="suspended", status_reason=reason, updated_at=clock.now())
    audit.record(session, "instance_suspended", actor, instance_id=instance_id, data={"reason": reason})
    return instance


def resume(session: Session, instance_id: int, actor: str, reason: str = "") -> InstanceRow:
    """Resume a suspended instance; timers that fell due meanwhile fire on the worker's next pass."""
    instance = _locked(session, instance_id)
    if instance.status != "suspended":
        raise InvalidState(f"instance {instance_id} is {instance.status}, not suspended", status=instance.status)
    has_tasks = session.execute(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                           HumanTask.state == "open").limit(1)).first()
    write(session, instance, status="running" if has_tasks else "waiting", status_reason=None,
          updated_at=clock.now())
    audit.record(session, "instance_resumed", actor, instance_id=instance_id, data={"reason": reason})
    return instance


def terminate(session: Session, instance_id: int, actor: str, reason: str) -> InstanceRow:
    """Cancel an unfinished instance for good, with a reason; its open tasks are cancelled."""
    instance = _locked(session, instance_id)
    if instance.status in ENDED:
        raise InvalidState(f"instance {instance_id} is already {instance.status}", status=instance.status)
    run = restore(session, instance, actor)
    run.workflow.cancel()
    now = clock.now()
    instance.status, instance.status_reason, instance.ended_at = "terminated", reason, now
    instance.next_timer_at, instance.updated_at = None, now
    run.note("instance_terminated", {"reason": reason})
    save(session, run)  # cancels the open tasks and drops the message subscriptions
    return instance


def retry(session: Session, instance_id: int, actor: str, data: dict[str, Any] | None = None,
          latest: bool = False, attempt: int = 1) -> InstanceRow:
    """Re-run the failed step of an instance in error, with corrected data or on the latest version.

    attempt > 1 is an automatic retry of a retry time cycle; by hand the count starts again.
    """
    check_data(data or {})
    instance = _locked(session, instance_id)
    if instance.status != "error":
        raise InvalidState(f"instance {instance_id} is {instance.status}, not in error", status=instance.status)
    run = migrate(session, instance, actor) if latest else restore(session, instance, actor)
    run.ready_before = inbox.open_row_ids(session, instance_id)  # rows an incident kept from being written
    # An external task whose retries ran out is fetched again (with the corrections, if any).
    reopened = external_tasks.reopen_failed(session, run)
    failed = [task.id for task in run.workflow.get_tasks(state=TaskState.ERROR)]
    run.attempt = attempt
    previous = instance.error
    instance.status, instance.error = "running", None
    retried = {"previous_error": previous, "data": audit.json_safe(data or {})}
    run.note("instance_retried", {**retried, "attempt": attempt} if attempt > 1 else retried)
    try:
        for task_id in failed:
            parent = run.workflow.get_task_from_id(task_id).parent
            if data and parent is not None:
                # The step is entered again from its parent's data: corrections go there too, so its
                # input parameters, evaluated on entry, see them.
                parent.data.update(audit.json_safe(data))
            # Reset copies the parent's data again (a half-run script's writes are dropped).
            run.workflow.reset_from_task_id(task_id)
    except Exception as exc:  # the step's input parameters failed again: still an incident
        fail(run, exc)
    if data:
        # Corrections go onto what runs next: the reset tasks, else whatever is ready.
        targets = [run.workflow.get_task_from_id(t) for t in failed] or reopened or run.workflow.get_tasks(
            state=TaskState.READY)
        for task in targets:
            task.data.update(audit.json_safe(data))
    if instance.status != "error":
        advance(run, refresh_timers=True)
    save(session, run)
    messages.deliver(session, run)
    return instance


def move_to_version(session: Session, instance_id: int, actor: str, version: int | None = None,
                    reason: str | None = None) -> InstanceRow:
    """Move an unfinished instance to another deployed version (default: latest) and run it on."""
    instance = _locked(session, instance_id)
    run = migrate(session, instance, actor, version, reason)
    if instance.status != "error":
        advance(run)
    save(session, run)
    messages.deliver(session, run)
    return instance
