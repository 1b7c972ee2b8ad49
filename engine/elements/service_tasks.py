"""Tasks with Camunda 7 semantics: external service tasks wait for a worker, plain and manual tasks pass through."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import IntermediateThrowEvent, ManualTask, NoneTask, ServiceTask
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.specs.base import TaskSpec


class ExternalServiceTask(ServiceTask):
    """A service, send or business rule task done by a worker of its topic (camunda:type="external").

    Running it leaves the task STARTED: the instance waits until `runtime.external.external_tasks.complete`
    completes it, or a BPMN error reported by the worker interrupts it.
    """

    def __init__(self, wf_spec: Any, bpmn_id: str, topic: str = "", priority: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.topic = topic
        #: camunda:taskPriority as written: a whole number or an expression, read when the task starts.
        self.priority = priority

    def _run_hook(self, my_task: Any) -> None:
        return None  # STARTED: a worker fetches it from the external_task table


class ExternalServiceTaskConverter(BpmnTaskSpecConverter):
    """Store an external task's topic and priority with the spec."""

    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct: dict[str, Any] = self.get_default_attributes(spec)
        dct["topic"] = spec.topic
        dct["priority"] = spec.priority
        return dct


class PassThroughTask(NoneTask):
    """A plain `bpmn:task`: Camunda completes it at once (no wait, no inbox row)."""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class PassThroughManualTask(ManualTask):
    """A manual task: work done outside any system, which Camunda records by completing the task at once."""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class ThrowEvent(IntermediateThrowEvent):
    """An intermediate throw event; one without an event definition only marks a milestone."""

    def _run_hook(self, my_task: Any) -> bool:
        if isinstance(self.event_definition, NoneEventDefinition):
            # SpiffWorkflow throws a "none" event, which nobody can catch and which would surface
            # among the instance's undelivered messages.
            return bool(TaskSpec._run_hook(self, my_task))
        result: bool = super()._run_hook(my_task)
        return result
