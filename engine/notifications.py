"""Notifications: a row per recipient when a task is created, reminded or escalated, read in-app or mailed.

Written in the transaction of the event itself (`engine.runtime.human_tasks.inbox.sync_many` calls `for_new_tasks`
and `for_reminders`), so a notification exists exactly when its task does. A candidate group gets one
row addressed to the group, which every member sees and any member may mark read (a shared tray, as the
group's task is one task for all of them).

Kinds follow the BPMN model, not names: a task reached through a timer boundary event is an
*escalation* (the deadline passed, someone else takes over); a non-interrupting timer boundary event
on a user task that leads to no new task is a *reminder* to the people of that task; any other new
task is *task_created*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.errors import NotFound
from engine.models import HumanTask, Notification, TaskCandidate, table_of

KINDS = ("task_created", "reminder", "escalation")
_INSERT = insert(table_of(Notification))
#: How far up the task tree a new task is traced to a timer boundary event (through joins and scripts).
_TRACE_DEPTH = 12


@dataclass(frozen=True)
class NewTask:
    """A human_task row just inserted, with the SpiffWorkflow task it materialises."""

    human_task_id: int
    instance_id: int
    title: str
    assignee: str | None
    candidates: Sequence[tuple[str, str]]
    task: Any


def recipients(assignee: str | None, candidates: Iterable[tuple[str, str]],
               claimed_by: str | None = None) -> list[tuple[str, str]]:
    """Return (kind, name) of who hears about a task: who holds it, else every candidate user and group."""
    holder = claimed_by or assignee
    if holder:
        return [("user", holder)]
    return list(dict.fromkeys((kind, value) for kind, value in candidates))


def is_escalation(task: Any) -> bool:
    """Return whether a task was reached through a timer boundary event (a missed deadline)."""
    parent, depth = task.parent, 0
    while parent is not None and depth < _TRACE_DEPTH:
        spec = parent.task_spec
        if isinstance(spec, BoundaryEvent):
            return isinstance(spec.event_definition, TimerEventDefinition)
        if getattr(spec, "manual", False):
            return False  # the path came from another person's task, not from a deadline
        parent, depth = parent.parent, depth + 1
    return False


def for_new_tasks(session: Session, tasks: Sequence[NewTask], now: datetime | None = None) -> None:
    """Insert the notifications of tasks just created, one per recipient, in the caller's transaction."""
    now = now or clock.now()
    rows = []
    for new in tasks:
        kind = "escalation" if is_escalation(new.task) else "task_created"
        for recipient_kind, recipient in recipients(new.assignee, new.candidates):
            rows.append(_row(recipient_kind, recipient, kind, new.human_task_id, new.instance_id, new.title, now))
    if rows:
        session.connection().execute(_INSERT, rows)


def reminded_tasks(workflow_tasks: Iterable[Any], fired: set[str]) -> list[str]:
    """Return the spiff ids of READY manual tasks whose non-interrupting timer (bpmn id in fired) just fired.

    A timer whose path reached a new task is that task's escalation, not a reminder.
    """
    found = []
    for task in workflow_tasks:
        split = task.parent
        if split is None or task.state != TaskState.READY:
            continue
        for sibling in split.children:
            spec = sibling.task_spec
            if (sibling is not task and isinstance(spec, BoundaryEvent) and not spec.cancel_activity
                    and isinstance(spec.event_definition, TimerEventDefinition)
                    and spec.bpmn_id in fired and sibling.state == TaskState.COMPLETED
                    and not _reaches_manual(sibling)):
                found.append(str(task.id))
                break
    return found


def _reaches_manual(task: Any) -> bool:
    todo, depth = list(task.children), 0
    while todo and depth < _TRACE_DEPTH:
        nxt = []
        for child in todo:
            if getattr(child.task_spec, "manual", False):
                return True
            nxt.extend(child.children)
        todo, depth = nxt, depth + 1
    return False


def for_reminders(session: Session, instance_id: int, spiff_task_ids: Sequence[str],
                  now: datetime | None = None) -> None:
    """Insert a reminder for each open task of an instance named by spiff id, to whoever holds or may claim it."""
    if not spiff_task_ids:
        return
    now = now or clock.now()
    tasks = session.execute(select(HumanTask.id, HumanTask.name, HumanTask.bpmn_id, HumanTask.assignee,
                                   HumanTask.claimed_by).where(
        HumanTask.instance_id == instance_id, HumanTask.state == "open",
        HumanTask.spiff_task_id.in_(list(spiff_task_ids)))).all()
    if not tasks:
        return
    candidates: dict[int, list[tuple[str, str]]] = {}
    for task_id, kind, value in session.execute(select(
            TaskCandidate.human_task_id, TaskCandidate.kind, TaskCandidate.value).where(
            TaskCandidate.human_task_id.in_([t.id for t in tasks])).order_by(TaskCandidate.id)):
        candidates.setdefault(task_id, []).append((kind, value))
    rows = [_row(kind, name, "reminder", t.id, instance_id, t.name or t.bpmn_id, now)
            for t in tasks for kind, name in recipients(t.assignee, candidates.get(t.id, []), t.claimed_by)]
    if rows:
        session.connection().execute(_INSERT, rows)


def _row(recipient_kind: str, recipient: str, kind: str, human_task_id: int | None, instance_id: int | None,
         title: str, now: datetime) -> dict[str, Any]:
    return {"recipient_kind": recipient_kind, "recipient": recipient, "kind": kind,
            "human_task_id": human_task_id, "instance_id": instance_id, "title": title[:500],
            "created_at": now, "read_at": None, "emailed_at": None}


def addressed_to(user: str, groups: Sequence[str]) -> Any:
    """Return the condition of the notifications a user sees: their own and their groups'."""
    mine = and_(Notification.recipient_kind == "user", Notification.recipient == user)
    if not groups:
        return mine
    return or_(mine, and_(Notification.recipient_kind == "group", Notification.recipient.in_(list(groups))))


def unread_count(session: Session, user: str, groups: Sequence[str] = ()) -> int:
    """Return how many notifications the user has not read."""
    return session.execute(select(func.count()).select_from(Notification).where(
        addressed_to(user, groups), Notification.read_at.is_(None))).scalar_one()


def list_for(session: Session, user: str, groups: Sequence[str] = (), *, limit: int = 50,
             offset: int = 0) -> tuple[list[Notification], int]:
    """Return a page of the user's notifications, newest first, and how many there are."""
    where = addressed_to(user, groups)
    total = session.execute(select(func.count()).select_from(Notification).where(where)).scalar_one()
    rows = session.execute(select(Notification).where(where).order_by(
        Notification.created_at.desc(), Notification.id.desc()).limit(limit).offset(offset)).scalars()
    return list(rows), total


def mark_read(session: Session, notification_id: int, user: str, groups: Sequence[str] = ()) -> Notification:
    """Mark one of the user's notifications read; another person's is NotFound, as one that does not exist."""
    row = session.execute(select(Notification).where(
        Notification.id == notification_id, addressed_to(user, groups))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no notification {notification_id}")
    if row.read_at is None:
        row.read_at = clock.now()
        session.flush()
    return row


def mark_all_read(session: Session, user: str, groups: Sequence[str] = ()) -> int:
    """Mark every unread notification of the user read; return how many."""
    result = session.execute(update(Notification).where(addressed_to(user, groups), Notification.read_at.is_(None))
                             .values(read_at=clock.now()).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def unsent(session: Session, since: datetime, before: datetime | None = None) -> list[Notification]:
    """Return the notifications not e-mailed yet, created from since (and before `before`), oldest first."""
    where = [Notification.emailed_at.is_(None), Notification.created_at >= since]
    if before is not None:
        where.append(Notification.created_at < before)
    return list(session.execute(select(Notification).where(*where).order_by(Notification.id)).scalars())


def mark_emailed(session: Session, ids: Sequence[int], at: datetime | None = None) -> None:
    """Record that notifications went out by e-mail, so no pass sends them again."""
    if ids:
        session.execute(update(Notification).where(Notification.id.in_(list(ids)), Notification.emailed_at.is_(None))
                        .values(emailed_at=at or clock.now()).execution_options(synchronize_session=False))
