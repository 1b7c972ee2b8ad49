"""The inbox: READY user tasks materialised as rows after every save, and the queries over them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, func, insert, select, union, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from engine import audit, notifications
from engine.audit import seals
from engine.clock import clock
from engine.forms.custom import values_for
from engine.forms.fields import describe
from engine.models import HumanTask, TaskCandidate, TaskDraft, table_of

from ..running.open_tasks import find_open
from ..running.row_limits import ValueTooLong, check_row, check_value
from ..running.run import Run
from ..running.scopes import process_id_of
from .assignment import evaluate_value, get_resolver, nobody_reason, operators_group
from .task_dates import due_at, follow_up_at
from .task_titles import task_title

_TASK = table_of(HumanTask)
_INSERT_TASKS = insert(_TASK).returning(_TASK.c.id, sort_by_parameter_order=True)
_CANDIDATE = table_of(TaskCandidate)
_INSERT_CANDIDATES = insert(_CANDIDATE)
#: Text columns of a new task row whose values come from expressions or the definition.
_CHECKED = ("bpmn_id", "name", "process_id", "lane", "assignee")


def sync(session: Session, run: Run) -> None:
    """Make one instance's open human_task rows match its READY manual tasks."""
    sync_many(session, [run])


def sync_many(session: Session, runs: Sequence[Run], ready_tasks: Sequence[dict[str, Any]] | None = None) -> None:
    """Make the open human_task rows of several instances match their READY manual tasks.

    The open rows are exactly the tasks that were READY when each run began (every save keeps that
    true), so no query is needed to find them: rows are cancelled and inserted by difference, the new
    ones of all runs in one statement. `ready_tasks` are each run's READY manual tasks by id, when
    the caller has them already (`find_open`).
    """
    now = clock.now()
    pending: list[tuple[Run, dict[str, Any], list[tuple[str, str]]]] = []
    spiff_tasks: list[Any] = []
    for number, run in enumerate(runs):
        ready = ready_tasks[number] if ready_tasks is not None else find_open(run.workflow).ready
        gone = sorted(run.ready_before - set(ready))
        if gone:
            _cancel(session, run, gone, now)
        try:
            with run.context():  # resolvers may read the organisation in this transaction
                new = [(task, _new_row(run, task, now)) for task_id, task in ready.items()
                       if task_id not in run.ready_before]
        except ValueTooLong as exc:
            # An incident, not a crash: no row of this run is written, and a retry (with corrected
            # data) builds them again.
            _refuse(run, exc)
            run.ready_before &= set(ready)
            continue
        for task, row in new:
            pending.append((run, row, row.pop("candidates")))
            spiff_tasks.append(task)
        _remind(session, run, ready.values())
        run.ready_before = set(ready)
    if not pending:
        return
    for _, row, pairs in pending:
        row["seal"] = seals.seal_task(SimpleNamespace(**row), pairs)
    # Core, not the ORM bulk path: this is the hot path of every completion.
    ids = session.connection().execute(_INSERT_TASKS, [row for _, row, _ in pending]).scalars().all()
    links = [{"human_task_id": task_id, "kind": kind, "value": value}
             for task_id, (_, _, pairs) in zip(ids, pending, strict=True) for kind, value in pairs]
    if links:
        session.connection().execute(_INSERT_CANDIDATES, links)
    notifications.for_new_tasks(session, [
        notifications.NewTask(task_id, run.instance.id, row["name"] or row["bpmn_id"], row["assignee"], pairs, task)
        for task_id, (run, row, pairs), task in zip(ids, pending, spiff_tasks, strict=True)], now)
    for task_id, (run, row, pairs) in zip(ids, pending, strict=True):
        run.note("task_created", {
            "bpmn_id": row["bpmn_id"], "name": row["name"], "lane": row["lane"], "assignee": row["assignee"],
            "candidates": [{"kind": kind, "value": value} for kind, value in pairs],
            "due_at": row["due_at"].isoformat() if row["due_at"] else None,
            "follow_up_at": row["follow_up_at"].isoformat() if row["follow_up_at"] else None},
            human_task_id=task_id)
        if "name_error" in row["properties"]:
            # The task is kept under the name as written; the process owner learns why from the trail.
            run.note("task_name_failed", {
                "bpmn_id": row["bpmn_id"], "name": row["name"], "reason": row["properties"]["name_error"]},
                human_task_id=task_id)
        if "assignment_error" in row["properties"]:
            run.note("task_assignment_failed", {
                "bpmn_id": row["bpmn_id"], "name": row["name"], "lane": row["lane"],
                "reason": row["properties"]["assignment_error"], "given_to": operators_group()},
                human_task_id=task_id)


def open_row_ids(session: Session, instance_id: int) -> set[str]:
    """Return the SpiffWorkflow ids of an instance's open task rows (a READY task may have none after an incident)."""
    return set(session.execute(select(HumanTask.spiff_task_id).where(
        HumanTask.instance_id == instance_id, HumanTask.state == "open")).scalars())


def _refuse(run: Run, exc: ValueTooLong) -> None:
    from ..running.execution import fail  # execution saves through this module: import at the call
    fail(run, exc)


def _remind(session: Session, run: Run, ready: Any) -> None:
    """Notify the people of tasks that were open already and whose reminder timer fired in this run."""
    fired = {e.data["bpmn_id"] for e in run.events if e.event_type == "timer_fired" and e.data}
    if fired:
        waiting = [t for t in ready if str(t.id) in run.ready_before]
        notifications.for_reminders(session, run.instance.id, notifications.reminded_tasks(waiting, fired))


def _cancel(session: Session, run: Run, gone: list[str], now: datetime) -> None:
    cancelled = session.execute(
        update(HumanTask).where(HumanTask.instance_id == run.instance.id, HumanTask.state == "open",
                                HumanTask.spiff_task_id.in_(gone))
        .values(state="cancelled", completed_at=now)
        .returning(HumanTask.id, HumanTask.bpmn_id, HumanTask.name)
        .execution_options(synchronize_session=False))
    ids = []
    for row in cancelled:
        ids.append(row.id)
        run.note("task_cancelled", {"bpmn_id": row.bpmn_id, "name": row.name}, human_task_id=row.id)
    if ids:  # a withdrawn task's drafts are of no use to anyone
        session.execute(delete(TaskDraft).where(TaskDraft.human_task_id.in_(ids))
                        .execution_options(synchronize_session=False))
        session.execute(update(TaskCandidate).where(TaskCandidate.human_task_id.in_(ids)).values(task_open=False)
                        .execution_options(synchronize_session=False))  # out of the inbox's open offers


def _new_row(run: Run, task: Any, now: datetime) -> dict[str, Any]:
    spec = task.task_spec
    properties: dict[str, Any] = dict((spec.extensions or {}).get("properties") or {})
    mi_index = task.internal_data.get("key_or_index")
    if mi_index is not None:
        properties["multi_instance_index"] = mi_index
    title, title_error = task_title(task)
    if title_error:
        properties["name_error"] = title_error
    row: dict[str, Any] = {
        "instance_id": run.instance.id, "spiff_task_id": str(task.id), "bpmn_id": spec.bpmn_id,
        "name": title, "process_id": process_id_of(task), "lane": spec.lane,
        "assignee": None, "claimed_by": None, "form": _form_with_values(task),
        "documentation": spec.documentation, "properties": properties, "due_at": None, "follow_up_at": None,
        "state": "open",
        "created_at": now, "completed_at": None, "completed_by": None, "candidates": []}
    try:
        assignment = get_resolver().resolve(task)
        row["assignee"] = assignment.assignee
        if assignment.acting_for:
            properties["acting_for"] = dict(assignment.acting_for)
        row["candidates"] = ([("user", u) for u in assignment.candidate_users]
                             + [("group", g) for g in assignment.candidate_groups])
        if not row["assignee"] and not row["candidates"]:
            reason = nobody_reason(task)
            if reason:
                properties["assignment_error"] = reason
            else:
                properties["unassigned"] = True  # modelled for no one, as Camunda allows
    except Exception as exc:  # keep the task visible to operators rather than losing it
        properties["assignment_error"] = str(exc) or "the assignment could not be evaluated"
    if not row["assignee"] and not row["candidates"]:
        # Never a task no one sees: the operators can claim it or assign it to someone.
        row["candidates"] = [("group", operators_group())]
    try:
        check_row(_TASK, row, _CHECKED)
        for _, value in row["candidates"]:
            check_value(_CANDIDATE, "value", value)
    except ValueTooLong as exc:
        exc.task = task  # type: ignore[attr-defined]  # the incident names the task, as a script's does
        raise
    try:
        row["due_at"] = due_at(task, now)
    except Exception as exc:
        properties["due_date_error"] = str(exc)
    try:
        row["follow_up_at"] = follow_up_at(task, now)
    except Exception as exc:
        properties["follow_up_date_error"] = str(exc)
    return row


def _form_with_values(task: Any) -> dict[str, Any]:
    form = describe(getattr(task.task_spec, "form", None))
    for field in form["fields"]:
        value = task.data.get(field["id"])
        if value is None and field["default"] is not None:
            try:
                value = evaluate_value(task, field["default"])
            except Exception:
                value = field["default"]
        field["value"] = audit.json_safe(value)
    values = values_for(form["key"], task.data)
    if values:  # a custom form (part) shows the last draft or its material, as a generated field would
        form["values"] = audit.json_safe(values)
    return form


@dataclass
class Page:
    """One page of a task listing."""

    items: list[HumanTask]
    total: int
    limit: int
    offset: int


#: Parameters of the prepared listing statements: the user, their groups, the page.
_USER: BindParameter[str] = bindparam("user")
_GROUPS: BindParameter[list[str]] = bindparam("groups", expanding=True)
_LIMIT: BindParameter[int] = bindparam("limit")
_OFFSET: BindParameter[int] = bindparam("offset")


def open_ids_for(user: str, groups: Sequence[str]) -> Any:
    """Return the ids of the open tasks a user may work on or claim: held by them, or unclaimed and offered.

    A UNION of index lookups (assignee, claimer, offers to the user, offers to their groups), each restricted
    to open tasks, so the cost follows the user's tasks, not every task ever created (an OR over them uses
    no index).
    """
    return open_ids(bool(groups)).params(user=user, groups=list(groups))


@cache
def open_ids(with_groups: bool) -> Any:
    """Return `open_ids_for` as a statement built once, with the parameters `user` and `groups` (expanding).

    Built once because building and keying the statement costs more than running it; offers are looked up
    among open offers only (`task_candidate.task_open`, partial index `ix_task_candidate_open`), so a group's
    years of past offers are not read.
    """
    is_open = HumanTask.state == "open"
    # From the offers to their tasks, never the other way: all open unclaimed tasks are many more.
    unclaimed = exists().where(HumanTask.id == TaskCandidate.human_task_id, is_open,
                               HumanTask.assignee.is_(None), HumanTask.claimed_by.is_(None))
    offered = TaskCandidate.task_open  # as the partial index's condition is written, so both databases use it
    lookups = [select(HumanTask.id).where(HumanTask.assignee == _USER, is_open),
               select(HumanTask.id).where(HumanTask.claimed_by == _USER, is_open),
               select(TaskCandidate.human_task_id).where(TaskCandidate.kind == "user", TaskCandidate.value == _USER,
                                                         offered, unclaimed)]
    if with_groups:
        lookups.append(select(TaskCandidate.human_task_id).where(
            TaskCandidate.kind == "group", TaskCandidate.value.in_(_GROUPS), offered, unclaimed))
    return union(*lookups)


def visible_to(user: str, groups: Sequence[str]) -> Any:
    """Return the condition of the open tasks a user may work on or claim (see `open_ids_for`)."""
    return HumanTask.id.in_(open_ids_for(user, groups))


def visible() -> Any:
    """Return the condition of `visible_to` with the parameters `user` and `groups` (expanding, not empty)."""
    return HumanTask.id.in_(open_ids(True))


@cache
def _listing(with_groups: bool) -> tuple[Any, Any]:
    where = HumanTask.id.in_(open_ids(with_groups))
    return (select(func.count()).select_from(HumanTask).where(where),
            select(HumanTask).where(where).order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
            .limit(_LIMIT).offset(_OFFSET))


def open_tasks_for(session: Session, user: str, groups: Sequence[str] = (), *, limit: int = 50,
                   offset: int = 0) -> Page:
    """Return the open tasks a user may work on or claim, soonest due first."""
    count, page = _listing(bool(groups))
    params = {"user": user, "groups": list(groups), "limit": limit, "offset": offset}
    total = session.execute(count, params).scalar_one()
    return Page(list(session.execute(page, params).scalars()), total, limit, offset)


def open_tasks(session: Session, *, instance_id: int | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Return all open tasks (of one instance when given), soonest due first."""
    where = HumanTask.state == "open"
    if instance_id is not None:
        where = and_(where, HumanTask.instance_id == instance_id)
    return _page(session, where, limit, offset)


def operator_tasks(session: Session, *, limit: int = 50, offset: int = 0) -> Page:
    """Return the open tasks waiting for the operators: modelled for no one, or whose assignment found no one."""
    waiting = exists().where(TaskCandidate.human_task_id == HumanTask.id, TaskCandidate.kind == "group",
                             TaskCandidate.value == operators_group())
    where = and_(HumanTask.state == "open", HumanTask.assignee.is_(None), HumanTask.claimed_by.is_(None), waiting)
    return _page(session, where, limit, offset)


def _page(session: Session, where: Any, limit: int, offset: int) -> Page:
    total = session.execute(select(func.count()).select_from(HumanTask).where(where)).scalar_one()
    rows = session.execute(select(HumanTask).where(where).order_by(
        HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id).limit(limit).offset(offset)).scalars()
    return Page(list(rows), total, limit, offset)


def task_dict(row: HumanTask) -> dict[str, Any]:
    """Return the stable JSON form of a human task."""
    def iso(moment: Any) -> str | None:
        if moment is None:
            return None
        return str((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat())
    return {
        "id": row.id, "instance_id": row.instance_id, "bpmn_id": row.bpmn_id, "name": row.name,
        "process_id": row.process_id, "lane": row.lane, "state": row.state, "assignee": row.assignee,
        "claimed_by": row.claimed_by,
        "candidate_users": [c.value for c in row.candidates if c.kind == "user"],
        "candidate_groups": [c.value for c in row.candidates if c.kind == "group"],
        "due_at": iso(row.due_at), "follow_up_at": iso(row.follow_up_at), "created_at": iso(row.created_at),
        "completed_at": iso(row.completed_at),
        "completed_by": row.completed_by, "documentation": row.documentation,
        "properties": row.properties, "form": row.form,
    }
