"""Conditional events as in Camunda 7: the condition is checked when the event begins and after every step.

SpiffWorkflow evaluates a conditional event once, on the copy of the data the waiting task received,
so an event whose condition became true later never fired. Camunda evaluates it when its scope begins
and whenever a variable changes; Kinerja evaluates it on the scope's current variables when it begins
and again after every step of the instance (a completed task, a delivered message, a timer).
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.conditional import ConditionalEventDefinition
from SpiffWorkflow.util.task import TaskState

from .event_subprocess import event_subprocess_of, scope_variables


class ConditionalEvent(ConditionalEventDefinition):
    """bpmn:conditionalEventDefinition whose condition reads the scope's variables as they are now."""

    def has_fired(self, my_task: Any) -> bool:
        owner = event_subprocess_of(my_task.workflow)
        # An event sub-process's start listens to the scope around the sub-process.
        scope = owner.workflow if owner is not None else my_task.workflow
        context = {**my_task.data, **scope_variables(scope, exclude=owner)}
        try:
            fired = bool(my_task.workflow.script_engine.environment.evaluate(self.expression, context))
        except Exception as exc:
            raise WorkflowTaskException(f"Error evaluating the condition '{self.expression}'", task=my_task,
                                        exception=exc) from exc
        my_task._set_internal_data(has_fired=fired)
        return fired


def refresh_conditions(workflow: Any) -> bool:
    """Check the conditions of waiting conditional events again; True if any fired."""
    fired = False
    for task in list(workflow.event_manager.tasks.values()):
        if isinstance(task.task_spec.event_definition, ConditionalEvent) and task.state == TaskState.WAITING:
            task.task_spec._update(task)
            fired = fired or task.state != TaskState.WAITING
    return fired
