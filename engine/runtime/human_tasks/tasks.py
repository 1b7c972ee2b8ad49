"""Human task actions: complete, claim, unclaim and reassign, with the same checks for every caller."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Sequence
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.audit import seals
from engine.clock import clock
from engine.data_limits import check_data
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.forms import custom as custom_forms
from engine.models import HumanTask, TaskCandidate, TaskDraft, table_of
from engine.runtime.events import messages

from ..running.execution import advance, restore_at, save
from ..running.lock_order import lock_instance_of
from ..running.rows import TaskRow, task_row
from .assignment import operators_group

#: The camunda:property that marks a task's answers confidential (readable by auditors only).
CONFIDENTIAL_PROPERTY = "confidential"


def get(session: Session, task_id: int) -> HumanTask:
    """Return a human task or raise NotFound."""
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"task {task_id} does not exist", task_id=task_id)
    return row


TASK = table_of(HumanTask)
CANDIDATE = table_of(TaskCandidate)


_OPEN = select(TASK).where(TASK.c.id == bindparam("task_id")).with_for_update(of=TASK)
_FORGET_DRAFTS = delete(table_of(TaskDraft)).where(table_of(TaskDraft).c.human_task_id == bindparam("task_id"))
_COMPLETE = update(TASK).where(TASK.c.id == bindparam("task_id")).values(
    state="completed", completed_at=bindparam("completed_at"), completed_by=bindparam("completed_by"))
#: The offers stay (the task's record shows them), out of the inbox's open offers.
_CLOSE_OFFERS = update(CANDIDATE).where(CANDIDATE.c.human_task_id == bindparam("task_id")).values(task_open=False)


def _open(session: Session, task_id: int) -> TaskRow:
    """Read an open task row for a change, locked after its instance; a detached object written back with `_write`."""
    lock_instance_of(session, TASK, task_id)
    row = session.connection().execute(_OPEN, {"task_id": task_id}).mappings().first()
    if row is None:
        raise NotFound(f"task {task_id} does not exist", task_id=task_id)
    if row["state"] != "open":
        raise Conflict(f"task {task_id} is already {row['state']}", task_id=task_id, state=row["state"],
                       completed_by=row["completed_by"])
    found = task_row(row)
    seals.require_task(found)  # an edited task row is no one's to act on
    return found


def _write(session: Session, row: TaskRow, **values: Any) -> None:
    for key, value in values.items():
        setattr(row, key, value)
    row.seal = seals.seal_task(row, candidates_of(session, row.id))
    session.connection().execute(update(TASK).where(TASK.c.id == row.id).values(**values, seal=row.seal))


_CANDIDATES = select(CANDIDATE.c.kind, CANDIDATE.c.value).where(CANDIDATE.c.human_task_id == bindparam("task_id"))


def candidates_of(session: Session, task_id: int) -> list[tuple[str, str]]:
    """Return the (kind, value) candidates of a task."""
    return [(kind, value) for kind, value in session.connection().execute(_CANDIDATES, {"task_id": task_id})]


def is_candidate(candidates: Sequence[tuple[str, str]], user: str, groups: Sequence[str] = ()) -> bool:
    """Return whether the user is a candidate, by name or by one of their groups."""
    return any((kind == "user" and value == user) or (kind == "group" and value in groups)
               for kind, value in candidates)


def may_complete(row: TaskRow | HumanTask, user: str) -> bool:
    """Return whether the user may complete the task: its assignee, or the candidate who claimed it."""
    return user in (row.assignee, row.claimed_by)


def complete(session: Session, task_id: int, actor: str, data: dict[str, Any] | None = None,
             groups: Sequence[str] = ()) -> TaskRow:
    """Validate and submit a task's form, run the instance on and save it; raise before changing anything."""
    row = _open(session, task_id)
    if not may_complete(row, actor):
        hint = ("; claim it first" if row.claimed_by is None
                and is_candidate(candidates_of(session, row.id), actor, groups) else "")
        raise Forbidden(f"{actor} may not complete task {task_id}{hint}", task_id=task_id)
    cleaned = custom_forms.clean_submission(session, row.form, row.instance_id, data or {})
    check_data(cleaned)
    run, task = restore_at(session, row.instance_id, row.spiff_task_id, actor, TaskState.READY, f"task {task_id}",
                           task_id=task_id)
    before = _snapshot(task.data)
    task.set_data(**cleaned)
    try:
        task.run()
    except Exception as exc:
        # The task's output parameters or the next step's input parameters failed. As in Camunda the
        # completion is refused whole and the task stays open (the caller rolls back).
        raise InvalidInput(f"task {task_id} cannot be completed, nothing was saved: "
                           f"{getattr(exc, 'error', None) or exc}", task_id=task_id) from exc
    now = clock.now()
    session.connection().execute(_COMPLETE, {"task_id": row.id, "completed_at": now, "completed_by": actor})
    session.connection().execute(_FORGET_DRAFTS, {"task_id": row.id})  # every user's: the task is over
    session.connection().execute(_CLOSE_OFFERS, {"task_id": row.id})
    row.state, row.completed_at, row.completed_by = "completed", now, actor
    run.ready_before.discard(row.spiff_task_id)  # completed here, not cancelled by the inbox sync
    _note_completion(run, row, cleaned, _changes(before, task.data))
    advance(run)
    if is_confidential(row):
        _forget_answers(task, cleaned)
    save(session, run)
    messages.deliver(session, run)
    return row


def is_confidential(row: TaskRow | HumanTask) -> bool:
    """Return whether the task is marked confidential (camunda:property `confidential` = true)."""
    return str((row.properties or {}).get(CONFIDENTIAL_PROPERTY, "")).strip().lower() == "true"


def _forget_answers(task: Any, submitted: dict[str, Any]) -> None:
    """Drop a confidential task's answers from it and from the finished steps after it.

    The model keeps what it needs of them (its scripts ran in `advance`, e.g. into a restricted table);
    the copies left in finished steps would otherwise stay in the saved state next to the assignee. Steps
    not finished yet keep theirs: they may still read them.
    """
    stack = [task]
    while stack:
        current = stack.pop()
        if current is task or current.has_state(TaskState.COMPLETED):
            for key, value in submitted.items():
                if key in current.data and current.data[key] == value:
                    del current.data[key]
        stack.extend(current.children)


def _note_completion(run: Any, row: TaskRow, submitted: dict[str, Any], changes: dict[str, Any]) -> None:
    """Audit a completion; a confidential task's answers go to a separate, restricted event.

    The completion itself (who, when, which task) stays in the ordinary trail; what was answered is in a
    `task_data_confidential` event flagged `confidential`, which only auditors read: views for the
    people concerned leave it out, so the answerer is not shown next to the answer.
    """
    event = {"bpmn_id": row.bpmn_id, "name": row.name}
    if not is_confidential(row):
        run.note("task_completed", {**event, "submitted": audit.json_safe(submitted), "changes": changes},
                 human_task_id=row.id)
        return
    run.note("task_completed", {**event, "confidential": True}, human_task_id=row.id)
    run.note(audit.CONFIDENTIAL_EVENT, {**event, "confidential": True, "submitted": audit.json_safe(submitted),
                                        "changes": changes}, human_task_id=row.id)


def _snapshot(data: dict[str, Any]) -> dict[str, Any]:
    """Return a deep copy of a task's data to compare with after it ran (its mappings may change values in place).

    A pickle round trip copies plain data several times faster than `copy.deepcopy`; the data is
    the engine's own, never read from outside.
    """
    try:
        copied: dict[str, Any] = pickle.loads(pickle.dumps(data, pickle.HIGHEST_PROTOCOL))
    except Exception:  # a value pickle cannot take
        return copy.deepcopy(data)
    return copied


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Return {variable: {"before", "after"}} for every variable the completion changed."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key) or (key in before) != (key in after):
            changed[key] = {"before": audit.json_safe(before.get(key)), "after": audit.json_safe(after.get(key))}
    return changed


def claim(session: Session, task_id: int, actor: str, groups: Sequence[str] = ()) -> TaskRow:
    """Claim a candidate task so that only the actor works on it."""
    row = _open(session, task_id)
    if row.assignee is not None or row.claimed_by is not None:
        holder = row.assignee or row.claimed_by
        raise Conflict(f"task {task_id} is already assigned to {holder}", task_id=task_id, holder=holder)
    candidates = candidates_of(session, row.id)
    seals.require_task(row, candidates)  # whoever was added as a candidate by SQL does not get the task
    if not is_candidate(candidates, actor, groups):
        raise Forbidden(f"{actor} is not a candidate for task {task_id}", task_id=task_id)
    _write(session, row, claimed_by=actor)
    audit.record(session, "task_claimed", actor, instance_id=row.instance_id, human_task_id=row.id,
                 data={"bpmn_id": row.bpmn_id})
    return row


def unclaim(session: Session, task_id: int, actor: str, *, privileged: bool = False) -> TaskRow:
    """Give a claimed task back to its candidates."""
    row = _open(session, task_id)
    if row.claimed_by is None:
        raise Conflict(f"task {task_id} is not claimed", task_id=task_id)
    if row.claimed_by != actor and not privileged:
        raise Forbidden(f"task {task_id} is claimed by {row.claimed_by}, not {actor}", task_id=task_id)
    previous = row.claimed_by
    _write(session, row, claimed_by=None)
    audit.record(session, "task_unclaimed", actor, instance_id=row.instance_id, human_task_id=row.id,
                 data={"bpmn_id": row.bpmn_id, "previous": previous})
    return row


def may_assign(row: TaskRow | HumanTask, groups: Sequence[str]) -> bool:
    """Return whether a member of groups may assign the task: an operator, while no one holds it."""
    return operators_group() in groups and row.assignee is None and row.claimed_by is None


def reassign(session: Session, task_id: int, actor: str, assignee: str, reason: str, *,
             privileged: bool = False, groups: Sequence[str] = ()) -> TaskRow:
    """Hand a task to another user with a reason: its holder, an operator while no one holds it, or privileged."""
    row = _open(session, task_id)
    if not reason.strip():
        raise InvalidInput("a reason is required to reassign a task", task_id=task_id)
    if not privileged and not may_complete(row, actor) and not may_assign(row, groups):
        raise Forbidden(f"{actor} may not reassign task {task_id}", task_id=task_id)
    previous = row.assignee or row.claimed_by
    _write(session, row, assignee=assignee, claimed_by=None)
    audit.record(session, "task_reassigned", actor, instance_id=row.instance_id, human_task_id=row.id,
                 data={"bpmn_id": row.bpmn_id, "from": previous, "to": assignee, "reason": reason})
    return row
