"""Restore, advance and save one instance: the engine's hot path, shared by start, complete and the worker."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.definitions.serializer import STATE_VERSION, dump_state, load_state
from engine.definitions.specs import spec_of
from engine.elements.conditional_events import refresh_conditions
from engine.elements.event_subprocess import close_finished_scopes, refresh_listeners
from engine.elements.message_events import MessageEvent
from engine.elements.signal_events import SignalEvent
from engine.elements.signal_events import subscription_name as signal_subscription
from engine.elements.timer_guard import catch_up
from engine.errors import Conflict, InvalidState
from engine.models import Instance, MessageSubscription, SpecVersion, table_of
from engine.sandbox import make_script_engine

from ..events import correlation_keys
from ..external import external_rows
from ..human_tasks import inbox
from . import auto_retry, data_guard
from .open_tasks import OpenTasks, find_open
from .rows import InstanceRow, instance_row
from .run import Run

ACTIVE = ("running", "waiting")
#: Statuses an instance never leaves.
ENDED = ("completed", "terminated")
#: Statuses whose next_timer_at the worker watches: timers, and automatic retries of a failed step.
DUE = (*ACTIVE, "error")


def attach_engine(workflow: BpmnWorkflow) -> list[dict[str, Any]]:
    """Give a workflow the sandboxed script engine (never serialized) and return its journal."""
    engine = make_script_engine()
    journal: list[dict[str, Any]] = []
    engine.journal = journal
    workflow.script_engine = engine  # sub-workflows read it from the top workflow
    return journal


def new_workflow(session: Session, spec_version_id: int, sha256: str) -> BpmnWorkflow:
    """Create a fresh workflow on a (cached) spec."""
    spec, subprocess_specs = spec_of(session, spec_version_id, sha256)
    return BpmnWorkflow(spec, subprocess_specs)


def restore(session: Session, instance: InstanceRow, actor: str) -> Run:
    """Restore an instance's workflow from its row."""
    audit.require_instance(instance.id, instance.audit_seq, instance.audit_hash, instance.state_hash,
                           instance.seal, instance.state)
    spec, subprocess_specs = spec_of(session, instance.spec_version_id, instance.spec_sha256)
    workflow = load_state(instance.state, instance.serializer_version, spec, subprocess_specs)
    run = Run(instance, workflow, actor, session=session)
    run.journal = attach_engine(workflow)
    run.subscriptions_before = _subscriptions(run)
    found = find_open(workflow)
    run.ready_before = set(found.ready)
    run.external_before = set(found.started)
    return run


def ready_ids(workflow: BpmnWorkflow) -> set[str]:
    """Return the ids of the workflow's READY manual tasks (its open human tasks)."""
    return {str(task.id) for task in workflow.get_tasks(state=TaskState.READY, manual=True)}


INSTANCE = table_of(Instance)
SPEC = table_of(SpecVersion)
#: Columns the engine writes back with `write`, besides the version counter.
WRITABLE = ("status", "state", "serializer_version", "next_timer_at", "error", "status_reason", "updated_at",
            "ended_at", "audit_seq", "audit_hash", "spec_version_id", "state_hash", "seal")


# The hot path's statements are built once: building and cache-keying a statement per call costs
# several times what SQLite takes to run it.
_LOCK = (select(INSTANCE, SPEC.c.sha256.label("spec_sha256"))
         .join(SPEC, SPEC.c.id == INSTANCE.c.spec_version_id).where(INSTANCE.c.id == bindparam("instance_id")))
_LOCK_FOR_UPDATE = _LOCK.with_for_update(of=INSTANCE)
_WRITE = (update(INSTANCE)
          .where(INSTANCE.c.id == bindparam("instance_id"), INSTANCE.c.version == bindparam("old_version"))
          .values(version=bindparam("new_version"), **{name: bindparam(name) for name in WRITABLE}))


def lock(session: Session, instance_id: int, *, due_by: datetime | None = None,
         skip_locked: bool = False) -> InstanceRow | None:
    """Read an instance row for a change, locked where the database supports it.

    The hot path works on plain rows, written back by `write` (one UPDATE checked against the
    version), not by the ORM's unit of work.
    """
    query = _LOCK_FOR_UPDATE
    if due_by is not None:
        query = _LOCK.where(INSTANCE.c.status.in_(DUE), INSTANCE.c.next_timer_at < due_by).with_for_update(
            of=INSTANCE, skip_locked=skip_locked)
    row = session.connection().execute(query, {"instance_id": instance_id}).mappings().first()
    if row is None:
        return None
    return instance_row(row)


def read(session: Session, instance_id: int) -> InstanceRow | None:
    """Read an instance row without locking it (for showing, not changing)."""
    row = session.connection().execute(_LOCK, {"instance_id": instance_id}).mappings().first()
    return instance_row(row) if row is not None else None


def write(session: Session, instance: InstanceRow, **values: Any) -> None:
    """Write changed columns of a locked instance and bump its version; Conflict if someone else did."""
    write_many(session, [(instance, values)])


def write_many(session: Session, changes: Sequence[tuple[InstanceRow, dict[str, Any]]]) -> None:
    """Write several instances in one statement, each checked against its version."""
    params = []
    for instance, values in changes:
        for key, value in values.items():
            setattr(instance, key, value)
        row = {name: getattr(instance, name) for name in WRITABLE}
        row.update(instance_id=instance.id, old_version=instance.version, new_version=instance.version + 1)
        params.append(row)
    connection = session.connection()
    result = connection.execute(_WRITE, params[0] if len(params) == 1 else params)
    checkable = len(params) == 1 or connection.dialect.supports_sane_multi_rowcount
    if checkable and result.rowcount != len(params):
        ids = ", ".join(str(instance.id) for instance, _ in changes)
        raise Conflict(f"instance {ids} was changed by someone else; reload and try again", instance_ids=ids)
    for instance, _ in changes:
        instance.version += 1


def advance(run: Run, refresh_timers: bool = False) -> None:
    """Run engine steps (timers first when asked); a failure puts the instance in error."""
    workflow = run.workflow
    timers = _timer_snapshot(workflow)
    completed: list[Any] = []

    def did_complete(task: Any) -> None:
        # Timer events that complete, including one whose date had already passed when it appeared.
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            completed.append(task)

    script = _ScriptSavepoint(run)

    def after(task: Any) -> None:
        script.release()
        did_complete(task)

    with run.context():
        try:
            if refresh_timers:
                catch_up(workflow)  # a cycle late by many intervals fires once, not once per interval
                workflow.refresh_timers()
            workflow.do_engine_steps(will_complete_task=script.open, did_complete_task=after)
            # do_engine_steps refreshes timers only at its end: a timer that fired there left its
            # follow-up READY, so step once more until nothing moves.
            # A scope whose own flow is done stops listening to its event sub-processes and ends;
            # conditional events check their condition again after every step.
            while (workflow.get_next_task(state=TaskState.READY, manual=False) is not None
                   or close_finished_scopes(workflow) or refresh_conditions(workflow)):
                workflow.do_engine_steps(will_complete_task=script.open, did_complete_task=after)
            refresh_listeners(workflow)
        except Exception as exc:  # any script or expression failure is an incident, not a crash
            script.undo()
            _fail(run, exc)
    _note_timers(run, timers, completed)
    _note_journal(run)
    run.outbox.extend(workflow.get_events())


class _ScriptSavepoint:
    """A savepoint around each script task, so a script that fails half-way leaves no record behind.

    A script may write domain rows through registered functions before it fails; the incident is
    committed, so without this its partial rows (and their queued audit events) would stay and `retry`
    would write them again. Only script tasks get one: the engine's own tasks write nothing mid-step.
    """

    def __init__(self, run: Run) -> None:
        self.run = run
        self.transaction: Any = None
        self.events = 0

    def open(self, task: Any) -> None:
        if self.run.session is not None and isinstance(task.task_spec, ScriptTask):
            self.transaction = self.run.session.begin_nested()
            self.events = len(self.run.events)

    def release(self) -> None:
        if self.transaction is not None:
            self.transaction.commit()
            self.transaction = None

    def undo(self) -> None:
        if self.transaction is not None:
            self.transaction.rollback()
            self.transaction = None
            del self.run.events[self.events:]


def fail(run: Run, exc: Exception) -> None:
    """Make a failure outside the engine loop (input parameters evaluated on a reset) the instance's incident."""
    _fail(run, exc)


def _fail(run: Run, exc: Exception) -> None:
    task = getattr(exc, "task", None)
    spec = getattr(task, "task_spec", None)
    error = {
        "message": str(getattr(exc, "error", None) or exc) or type(exc).__name__,
        "type": type(exc).__name__,
        "task": getattr(spec, "bpmn_name", None) or getattr(spec, "name", None),
        "bpmn_id": getattr(spec, "bpmn_id", None),
        "task_id": str(task.id) if task is not None else None,
        "line": getattr(exc, "line_number", None) or None,
        "error_line": getattr(exc, "error_line", None) or None,
        "notes": list(getattr(exc, "notes", []) or getattr(exc, "__notes__", []) or []),
    }
    auto_retry.plan(run, task, error)
    run.instance.status = "error"
    run.instance.error = error
    run.note("instance_failed", error)


def _timer_snapshot(workflow: BpmnWorkflow) -> dict[Any, Any]:
    return {task.id: copy.deepcopy(task.internal_data.get("event_value"))
            for task in workflow.event_manager.tasks.values()
            if isinstance(task.task_spec.event_definition, TimerEventDefinition)
            and task.state == TaskState.WAITING}


def _note_timers(run: Run, before: dict[Any, Any], completed: list[Any]) -> None:
    fired: dict[Any, Any] = {task.id: (task, task.internal_data.get("event_value")) for task in completed}
    for task_id, value in before.items():
        task = run.workflow.get_task_from_id(task_id)
        if task is None:
            continue
        definition = task.task_spec.event_definition
        if task_id in fired:
            fired[task_id] = (task, value)  # the due time it waited for
        elif isinstance(definition, CycleTimerEventDefinition) and isinstance(value, dict) and (
                task.internal_data.get("event_value") != value):
            fired[task_id] = (task, value)  # a cycle fires and keeps waiting
    for task, value in fired.values():
        due = value.get("next") if isinstance(value, dict) else value
        run.note("timer_fired", {"bpmn_id": task.task_spec.bpmn_id, "name": task.task_spec.bpmn_name,
                                 "due": due, "kind": type(task.task_spec.event_definition).__name__})


def _note_journal(run: Run) -> None:
    for entry in run.journal:
        if entry["type"] == "decision_evaluated":
            task = entry["task"]
            run.note("decision_evaluated", {
                "decision_id": entry["decision_id"], "table_id": entry["table_id"],
                "spec_version_id": run.instance.spec_version_id,
                "process_version": _version_number(run),
                "bpmn_id": task.task_spec.bpmn_id, "hit_policy": entry["hit_policy"],
                "inputs": entry["inputs"], "matched_rules": entry["matched_rules"],
                "outputs": entry["outputs"]})
    run.journal.clear()


def _version_number(run: Run) -> int | None:
    session = run.session
    if session is None:
        return None
    return session.execute(select(SpecVersion.version).where(
        SpecVersion.id == run.instance.spec_version_id)).scalar()


def status_of(run: Run, found: OpenTasks | None = None) -> str:
    """Return the status the workflow is in after a run (`found`: its open tasks, when known)."""
    instance = run.instance
    if instance.status in ("error", "suspended", "terminated"):
        return instance.status
    if run.workflow.is_completed():
        return "completed"
    if (bool(found.ready) if found is not None
            else run.workflow.get_next_task(state=TaskState.READY, manual=True) is not None):
        return "running"
    return "waiting"


def next_timer_at(workflow: BpmnWorkflow) -> datetime | None:
    """Return the earliest due time of the workflow's waiting timers."""
    due: list[datetime] = []
    for task in workflow.event_manager.tasks.values():
        if not isinstance(task.task_spec.event_definition, TimerEventDefinition):
            continue
        value = task.task_spec.event_definition.details(task).value
        if isinstance(value, str):
            due.append(TimerEventDefinition.get_datetime(value))
    return min(due) if due else None


def save(session: Session, run: Run) -> None:
    """Write one run: state, status, timers, inbox rows, subscriptions and audit events."""
    save_many(session, [run])


def save_many(session: Session, runs: Sequence[Run]) -> None:
    """Write several runs with one statement per kind of row: the hot path of completions and cycle opening.

    Each instance row is written once, at the end, with its new audit chain head.
    """
    data_guard.hold_back(runs, fail)  # data beyond the limits: the step that made it fails instead
    # One walk per workflow for its status and both kinds of task rows: nothing below changes the workflow.
    found = [find_open(run.workflow) for run in runs]
    values = [_state_values(run, tasks) for run, tasks in zip(runs, found, strict=True)]
    audit_rows: list[dict[str, Any]] = []
    with session.no_autoflush:
        inbox.sync_many(session, runs, [tasks.ready for tasks in found])
        external_rows.sync_many(session, runs, [tasks.started for tasks in found])
        for run, row_values, tasks in zip(runs, values, found, strict=True):
            if run.instance.status == "error" and row_values["status"] != "error":
                row_values.update(_state_values(run, tasks))  # a row value too long for its column: an incident
            with run.context():
                _sync_subscriptions(session, run)
            state_hash = audit.sha256_text(row_values["state"])
            rows, seq, digest = audit.chain_rows(audit.chain_of(run.instance.id), run.instance.audit_seq or 0,
                                                 run.instance.audit_hash or audit.GENESIS, run.events, state_hash)
            audit_rows += rows
            row_values.update(audit_seq=seq, audit_hash=digest, state_hash=state_hash,
                              seal=audit.seal_instance(run.instance.id, seq, digest, state_hash))
            run.events.clear()
        audit.insert_rows(session, audit_rows)
    write_many(session, [(run.instance, row_values) for run, row_values in zip(runs, values, strict=True)])


def _state_values(run: Run, found: OpenTasks) -> dict[str, Any]:
    """Return the columns a save writes: status, state, timers (and the end, noted once)."""
    instance = run.instance
    status = status_of(run, found)
    values: dict[str, Any] = {
        "status": status, "state": dump_state(run.workflow), "serializer_version": STATE_VERSION,
        "next_timer_at": next_timer_at(run.workflow) if status in ACTIVE else auto_retry.due_at(
            instance.error) if status == "error" else None,
        "updated_at": clock.now(), "error": instance.error, "status_reason": instance.status_reason,
        "spec_version_id": instance.spec_version_id, "ended_at": instance.ended_at}
    if status == "completed" and instance.status != "completed":
        values["ended_at"] = clock.now()
        run.note("instance_completed", {"data": audit.json_safe(run.workflow.data)})
    instance.status = status
    return values


def _subscriptions(run: Run) -> list[dict[str, Any]]:
    wanted = []
    if run.instance.status in ACTIVE:
        for task in run.workflow.event_manager.tasks.values():
            definition = task.task_spec.event_definition
            if isinstance(definition, MessageEvent) and task.state == TaskState.WAITING:
                expected = definition.expected_correlations(task)
                wanted.append({"instance_id": run.instance.id, "message_name": definition.name,
                               "correlations": expected, "correlation_key": correlation_keys.key_of(expected)})
            elif isinstance(definition, SignalEvent) and task.state == TaskState.WAITING:
                wanted.append({"instance_id": run.instance.id, "correlations": {}, "correlation_key": "",
                               "message_name": signal_subscription(definition.name)})
    return wanted


def _sync_subscriptions(session: Session, run: Run) -> None:
    wanted = _subscriptions(run)
    if wanted == run.subscriptions_before:
        return
    session.execute(delete(MessageSubscription).where(MessageSubscription.instance_id == run.instance.id))
    if wanted:
        session.connection().execute(insert(table_of(MessageSubscription)), wanted)
    run.subscriptions_before = wanted


def restore_at(session: Session, instance_id: int, spiff_task_id: str, actor: str, state: TaskState,
               what: str, **details: Any) -> tuple[Run, Any]:
    """Lock and restore an active instance at one of its tasks, which must still be in state.

    What a person or a worker acts on (a human task, an external task) is a row; the instance may have
    moved on since it was read, which is a conflict, and an instance no longer active is refused.
    """
    instance = lock(session, instance_id)
    if instance is None or instance.status not in ACTIVE:
        status = instance.status if instance else "missing"
        raise InvalidState(f"instance {instance_id} is {status}; {what} cannot be completed", status=status, **details)
    run = restore(session, instance, actor)
    task = run.workflow.get_task_from_id(UUID(spiff_task_id))
    if task is None or task.state != state:
        raise Conflict(f"{what} is no longer {TaskState.get_name(state).lower()} in its instance", **details)
    return run, task
