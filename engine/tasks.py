"""Human task actions: complete, claim, unclaim and reassign, with the same checks for every caller."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import audit, forms, messages
from .clock import clock
from .errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from .models import HumanTask
from .runtime import ACTIVE, advance, lock, restore, save


def get(session: Session, task_id: int) -> HumanTask:
    """Return a human task or raise NotFound."""
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"task {task_id} does not exist", task_id=task_id)
    return row


def _open(session: Session, task_id: int) -> HumanTask:
    row = session.execute(select(HumanTask).where(HumanTask.id == task_id).with_for_update(of=HumanTask)
                          ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"task {task_id} does not exist", task_id=task_id)
    if row.state != "open":
        raise Conflict(f"task {task_id} is already {row.state}", task_id=task_id, state=row.state,
                       completed_by=row.completed_by)
    return row


def is_candidate(row: HumanTask, user: str, groups: Sequence[str] = ()) -> bool:
    """Return whether the user is a candidate of the task, by name or by group."""
    return any((c.kind == "user" and c.value == user) or (c.kind == "group" and c.value in groups)
               for c in row.candidates)


def may_complete(row: HumanTask, user: str) -> bool:
    """Return whether the user may complete the task: its assignee, or the candidate who claimed it."""
    return user in (row.assignee, row.claimed_by)


def complete(session: Session, task_id: int, actor: str, data: dict[str, Any] | None = None,
             groups: Sequence[str] = ()) -> HumanTask:
    """Validate and submit a task's form, run the instance on and save it; raise before changing anything."""
    row = _open(session, task_id)
    if not may_complete(row, actor):
        hint = "; claim it first" if row.claimed_by is None and is_candidate(row, actor, groups) else ""
        raise Forbidden(f"{actor} may not complete task {task_id}{hint}", task_id=task_id)
    cleaned = forms.validate(row.form, data or {})
    instance = lock(session, row.instance_id)
    if instance is None or instance.status not in ACTIVE:
        status = instance.status if instance else "missing"
        raise InvalidState(f"instance {row.instance_id} is {status}; its tasks cannot be completed",
                           status=status)
    run = restore(session, instance, actor)
    task = run.workflow.get_task_from_id(UUID(row.spiff_task_id))
    if task is None or task.state != TaskState.READY:
        raise Conflict(f"task {task_id} is no longer ready in its instance", task_id=task_id)
    before = copy.deepcopy(task.data)
    task.set_data(**cleaned)
    task.run()
    now = clock.now()
    row.state, row.completed_at, row.completed_by = "completed", now, actor
    run.note("task_completed", {"bpmn_id": row.bpmn_id, "name": row.name,
                                "submitted": audit.json_safe(cleaned),
                                "changes": _changes(before, task.data)}, human_task_id=row.id)
    advance(run)
    try:
        save(session, run)
    except StaleDataError as exc:
        raise Conflict(f"instance {row.instance_id} was changed by someone else; reload and try again",
                       instance_id=row.instance_id) from exc
    messages.deliver(session, run)
    return row


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Return {variable: {"before", "after"}} for every variable the completion changed."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key) or (key in before) != (key in after):
            changed[key] = {"before": audit.json_safe(before.get(key)), "after": audit.json_safe(after.get(key))}
    return changed


def claim(session: Session, task_id: int, actor: str, groups: Sequence[str] = ()) -> HumanTask:
    """Claim a candidate task so that only the actor works on it."""
    row = _open(session, task_id)
    if row.assignee is not None or row.claimed_by is not None:
        holder = row.assignee or row.claimed_by
        raise Conflict(f"task {task_id} is already assigned to {holder}", task_id=task_id, holder=holder)
    if not is_candidate(row, actor, groups):
        raise Forbidden(f"{actor} is not a candidate for task {task_id}", task_id=task_id)
    row.claimed_by = actor
    session.flush()
    audit.record(session, "task_claimed", actor, instance_id=row.instance_id, human_task_id=row.id,
                 data={"bpmn_id": row.bpmn_id})
    return row


def unclaim(session: Session, task_id: int, actor: str, *, privileged: bool = False) -> HumanTask:
    """Give a claimed task back to its candidates."""
    row = _open(session, task_id)
    if row.claimed_by is None:
        raise Conflict(f"task {task_id} is not claimed", task_id=task_id)
    if row.claimed_by != actor and not privileged:
        raise Forbidden(f"task {task_id} is claimed by {row.claimed_by}, not {actor}", task_id=task_id)
    previous, row.claimed_by = row.claimed_by, None
    session.flush()
    audit.record(session, "task_unclaimed", actor, instance_id=row.instance_id, human_task_id=row.id,
                 data={"bpmn_id": row.bpmn_id, "previous": previous})
    return row


def reassign(session: Session, task_id: int, actor: str, assignee: str, reason: str, *,
             privileged: bool = False) -> HumanTask:
    """Hand a task to another user with a reason; the holder may do it, or a privileged operator."""
    row = _open(session, task_id)
    if not reason.strip():
        raise InvalidInput("a reason is required to reassign a task", task_id=task_id)
    if not privileged and not may_complete(row, actor):
        raise Forbidden(f"{actor} may not reassign task {task_id}", task_id=task_id)
    previous = row.assignee or row.claimed_by
    row.assignee, row.claimed_by = assignee, None
    session.flush()
    audit.record(session, "task_reassigned", actor, instance_id=row.instance_id, human_task_id=row.id,
                 data={"bpmn_id": row.bpmn_id, "from": previous, "to": assignee, "reason": reason})
    return row
