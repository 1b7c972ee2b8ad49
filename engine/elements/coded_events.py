"""Errors and escalations caught by the nearest event sub-process around the element that threw them.

SpiffWorkflow looks for a catcher in the thrower's scope and its parents, but an event sub-process's
start event lives one level below its scope, so the search misses it and ends up asking every waiting
catcher at once: an error caught by an event sub-process of a called process also started the caller's,
and one thrown in the main flow could start an event sub-process inside a running sub-process. In Camunda
the nearest enclosing scope that listens catches it; these definitions remember where the event was thrown
so only that event sub-process does.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    CodeEventDefinition,
    ErrorEventDefinition,
    EscalationEventDefinition,
)

from .event_subprocess import event_subprocess_of


class _Scoped(CodeEventDefinition):
    """Throw with the thrower's workflow; let an event sub-process catch only what its scope threw."""

    def throw(self, my_task: Any) -> None:
        event = BpmnEvent(self, payload=deepcopy(my_task.data), target=my_task.workflow)
        event.origin = my_task.workflow
        my_task.workflow.top_workflow.catch(event)

    def catches(self, my_task: Any, event: Any) -> bool:
        if not super().catches(my_task, event):
            return False
        owner = event_subprocess_of(my_task.workflow)
        origin = getattr(event, "origin", None)
        if owner is None or origin is None:
            return True  # a boundary event: SpiffWorkflow's search already went scope by scope
        return nearest_listening_scope(origin, event) is owner.workflow


def nearest_listening_scope(origin: Any, event: Any) -> Any:
    """Return the innermost scope around origin with an event sub-process waiting for event, or None."""
    listening = set()
    for task in origin.top_workflow.event_manager.tasks.values():
        definition = task.task_spec.event_definition
        owner = event_subprocess_of(task.workflow)
        if owner is not None and isinstance(definition, CodeEventDefinition) and definition == event.event_definition:
            listening.add(id(owner.workflow))
    scope = origin
    while scope is not None:
        if id(scope) in listening:
            return scope
        scope = scope.parent_workflow
    return None


class ScopedError(_Scoped, ErrorEventDefinition):
    """bpmn:errorEventDefinition."""


class ScopedEscalation(_Scoped, EscalationEventDefinition):
    """bpmn:escalationEventDefinition."""
