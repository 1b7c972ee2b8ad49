"""Event sub-processes with Camunda 7's semantics: armed with their scope, interrupting or not, ended with it.

SpiffWorkflow 3.2 starts an event sub-process whose start event is a timer with its scope, creates the
others only when their event is caught (so a waiting message start has no subscription), ignores
`isInterrupting`, and keeps its scope open until every event sub-process has fired. In Camunda an event
sub-process listens while its scope (the process or an embedded sub-process) is active; when an
interrupting one fires, everything else in the scope is cancelled; a non-interrupting one runs beside
the scope and listens again (for messages, escalations); when the scope's own flow is done, the
listeners that never fired are dropped and the scope ends.
"""

from __future__ import annotations

import copy
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.task_spec import SubWorkflowConverter
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.defaults import EventSubprocess as SpiffEventSubprocess
from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState

from .joins import merge_branches
from .multi_instance import apply_changes

#: Marks, in an event sub-process task's internal data, that its start event fired.
FIRED = "event_fired"


class EventSubprocess(SpiffEventSubprocess):
    """bpmn:subProcess triggeredByEvent="true"."""

    def __init__(self, wf_spec: Any, bpmn_id: str, subworkflow_spec: str, interrupting: bool = True,
                 repeats: bool = False, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, subworkflow_spec, **kwargs)
        #: isInterrupting of the start event (Camunda's default: true).
        self.interrupting = interrupting
        #: Whether it listens again after firing (non-interrupting message and escalation starts).
        self.repeats = repeats

    def fired(self, my_task: Any, start: Any) -> None:
        """React to the start event of this sub-process instance firing."""
        my_task.internal_data[FIRED] = True
        # The sub-process sees the scope's variables as they are now, not as they were when it began,
        # plus what its event brought (a message's result variable).
        brought = {key: value for key, value in start.data.items()
                   if key not in my_task.data or my_task.data[key] != value}
        current = scope_variables(my_task.workflow, exclude=my_task)
        start.data = {**copy.deepcopy(current), **brought}
        my_task.internal_data["base"] = copy.deepcopy(current)
        if self.interrupting:
            interrupt(my_task)
        elif self.repeats:
            again = my_task.parent._add_child(self, TaskState.FUTURE)
            again.task_spec._update(again)

    def update_data(self, my_task: Any, subworkflow: Any) -> None:
        result = copy.deepcopy(subworkflow.last_task.data)
        # A cycle timer's occurrences never complete the start event: the base is what it began with.
        base = my_task.internal_data.get("base", my_task.data)
        if not self.interrupting:
            # What it set reaches the scope's running flow, as Camunda's shared variables would, and it
            # carries the scope's current variables on to the end, not its own older copy.
            live = live_tasks(my_task.workflow, exclude=my_task)
            for task in live:
                apply_changes(task.data, base, result)
            if live:
                result = scope_variables(my_task.workflow, exclude=my_task)
        my_task.data = result


class ScopeStartEvent(StartEvent):
    """A start event that tells its event sub-process when it fires."""

    def _run_hook(self, my_task: Any) -> bool:
        result: bool = super()._run_hook(my_task)
        owner = event_subprocess_of(my_task.workflow)
        if owner is not None and not owner.internal_data.get(FIRED):
            owner.task_spec.fired(owner, my_task)
        return result


def event_subprocess_of(workflow: Any) -> Any:
    """Return the event sub-process task running a (sub)workflow, or None."""
    parent_id = getattr(workflow, "parent_task_id", None)
    if parent_id is None:
        return None
    task = workflow.top_workflow.get_task_from_id(parent_id)
    return task if task is not None and isinstance(task.task_spec, EventSubprocess) else None


def interrupt(esp_task: Any) -> None:
    """Cancel everything in the scope of an event sub-process but the sub-process itself."""
    node = esp_task
    while node.parent is not None:
        for sibling in list(node.parent.children):
            if sibling is not node:
                sibling.cancel()
        node = node.parent


def live_tasks(workflow: Any, exclude: Any = None) -> list[Any]:
    """Return the tasks holding the data of a scope's running branches (not its event sub-processes).

    A branch waiting at a join holds its data in the task that reached the join, as in
    `instances.variables`.
    """
    found = []
    for task in workflow.tasks.values():
        if not task.has_state(TaskState.READY | TaskState.WAITING | TaskState.STARTED) or task is exclude:
            continue
        if isinstance(task.task_spec, UnstructuredJoin):
            if task.state == TaskState.WAITING and task.parent is not None:
                found.append(task.parent)
        elif not isinstance(task.task_spec, EventSubprocess) and not _inside_event_subprocess(task):
            found.append(task)
    return list({id(task): task for task in found}.values())


def scope_variables(workflow: Any, exclude: Any = None) -> dict[str, Any]:
    """Return a scope's variables now: its branches combined by what each changed, as the joins do."""
    ends = sorted(live_tasks(workflow, exclude), key=lambda t: t.last_state_change)
    if not ends:
        return dict(workflow.last_task.data) if workflow.last_task is not None else {}
    return merge_branches(ends) if len(ends) > 1 else dict(ends[0].data)


def _inside_event_subprocess(task: Any) -> bool:
    node = task.parent
    while node is not None:
        if isinstance(node.task_spec, EventSubprocess):
            return True
        node = node.parent
    return False


def close_finished_scopes(workflow: Any) -> bool:
    """End scopes whose own flow is done but whose event sub-processes still listen; True if any ended."""
    closed = False
    for scope in [workflow, *workflow.subprocesses.values()]:
        listeners = [task for task in scope.tasks.values() if isinstance(task.task_spec, EventSubprocess)
                     and task.state == TaskState.STARTED and _only_listening(task)]
        if not listeners:
            continue
        busy = [task for task in scope.tasks.values() if task.has_state(TaskState.READY | TaskState.WAITING
                                                                         | TaskState.STARTED | TaskState.ERROR)
                and not isinstance(task.task_spec, _EndJoin) and task not in listeners]
        if busy:
            continue
        for task in listeners:
            task.cancel()
        for task in list(scope.tasks.values()):
            if task.state == TaskState.WAITING and isinstance(task.task_spec, _EndJoin):
                task.task_spec._update(task)
        closed = True
    return closed


def refresh_listeners(workflow: Any) -> None:
    """Give event sub-processes still listening the variables of their scope as they are now.

    A message start's correlation is read from its data when the instance is saved, so a key the flow
    set after the scope began (a script assigning `nip`) must reach it, or it would accept the message
    meant for another instance.
    """
    for scope in [workflow, *workflow.subprocesses.values()]:
        listeners = [task for task in scope.tasks.values() if isinstance(task.task_spec, EventSubprocess)
                     and task.state == TaskState.STARTED and not task.internal_data.get(FIRED)]
        if not listeners:
            continue
        current = scope_variables(scope)
        for esp_task in listeners:
            sub = workflow.subprocesses.get(esp_task.id)
            if sub is None:
                continue
            esp_task.data = copy.deepcopy(current)
            for task in sub.tasks.values():
                # Its Start task too: a waiting event inherits from it again when it is updated.
                if task.parent is None or (task.state == TaskState.WAITING and isinstance(task.task_spec,
                                                                                          StartEvent)):
                    task.data = copy.deepcopy(current)


def _only_listening(esp_task: Any) -> bool:
    """Return whether an event sub-process only waits for its event (a cycle timer's next one included)."""
    sub = esp_task.workflow.top_workflow.subprocesses.get(esp_task.id)
    if sub is None:
        return False
    for task in sub.tasks.values():
        if task.has_state(TaskState.READY | TaskState.STARTED | TaskState.ERROR):
            return False
        if task.state == TaskState.WAITING and not isinstance(task.task_spec, (StartEvent, _EndJoin)):
            return False
    return True


class EventSubprocessConverter(SubWorkflowConverter):
    """Serialize an event sub-process with its isInterrupting and whether it listens again."""

    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct: dict[str, Any] = super().to_dict(spec)
        dct.update(interrupting=spec.interrupting, repeats=spec.repeats)
        return dct
