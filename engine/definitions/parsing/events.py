"""Kinerja's parts of every task parser: Camunda multi-instance, event sub-processes, event definitions."""

from __future__ import annotations

from functools import cache
from typing import Any

from SpiffWorkflow.bpmn.parser.event_parsers import (
    CONDITIONAL_EVENT_XPATH,
    ERROR_EVENT_XPATH,
    ESCALATION_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.parser.task_parsers import SubprocessParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.specs.defaults import EndEvent, StartEvent

from engine.definitions.problems import bpmn
from engine.elements.coded_events import ScopedError, ScopedEscalation
from engine.elements.conditional_events import ConditionalEvent
from engine.elements.event_subprocess import EventSubprocess, ScopeStartEvent
from engine.elements.signal_events import SignalEvent

from .loops import CamundaLoopParser


class _EventSubprocessParser:
    """Task parser part that builds Kinerja's event sub-process with isInterrupting read from its start."""

    node: Any
    bpmn_id: str
    spec: Any
    bpmn_attributes: dict[str, Any]

    def create_task(self) -> Any:
        if self.node.get("triggeredByEvent") != "true":
            return super().create_task()  # type: ignore[misc]
        # Camunda's parser builds every sub-process as a call activity, event sub-processes included.
        sub_spec = SubprocessParser.get_subprocess_spec(self)
        task = EventSubprocess(self.spec, self.bpmn_id, subworkflow_spec=sub_spec, **self.bpmn_attributes)
        start = self.node.find(bpmn("startEvent"))
        if start is not None:
            task.interrupting = start.get("isInterrupting", "true") != "false"
            # A non-interrupting timer repeats by its own cycle; messages and escalations each time they come.
            task.repeats = not task.interrupting and start.find(bpmn("timerEventDefinition")) is None
        return task


class _ScopeStartEventParser:
    """Start event parser part that reads error and escalation starts of event sub-processes.

    SpiffWorkflow's start event parser reads only message, signal, timer and conditional definitions, so
    an error start became a plain start and its sub-process ran as soon as the process began.
    """

    node: Any
    spec: Any

    def create_task(self) -> Any:
        parent = self.node.getparent()
        if parent is None or parent.get("triggeredByEvent") != "true":
            return super().create_task()  # type: ignore[misc]
        definition = self.get_event_definition(  # type: ignore[attr-defined]
            [MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, TIMER_EVENT_XPATH, CONDITIONAL_EVENT_XPATH, ERROR_EVENT_XPATH,
             ESCALATION_EVENT_XPATH])
        task = self._create_task(definition)  # type: ignore[attr-defined]
        self.spec.start.connect(task)
        return task


class _EventDefinitionParser:
    """Event parser part that builds Kinerja's conditional, error and escalation event definitions."""

    def parse_conditional_event(self, event: Any) -> ConditionalEvent:
        definition = super().parse_conditional_event(event)  # type: ignore[misc]
        return ConditionalEvent(definition.expression, description=definition.description)

    def parse_error_event(self, event: Any) -> ScopedError:
        definition = super().parse_error_event(event)  # type: ignore[misc]
        return ScopedError(definition.name, definition.code, description=definition.description)

    def parse_escalation_event(self, event: Any) -> ScopedEscalation:
        definition = super().parse_escalation_event(event)  # type: ignore[misc]
        return ScopedEscalation(definition.name, definition.code, description=definition.description)

    def parse_signal_event(self, event: Any) -> SignalEvent:
        definition = super().parse_signal_event(event)  # type: ignore[misc]
        return SignalEvent(definition.name, description=definition.description)


class _SignalEndEventParser:
    """End event parser part that reads a signal end event (SpiffWorkflow's made it a plain end)."""

    node: Any
    spec: Any

    def create_task(self) -> Any:
        if self.node.find(bpmn("signalEventDefinition")) is None:
            return super().create_task()  # type: ignore[misc]
        definition = self.get_event_definition([SIGNAL_EVENT_XPATH])  # type: ignore[attr-defined]
        task = self._create_task(definition)  # type: ignore[attr-defined]
        task.connect(self.spec.end)
        return task


@cache
def kinerja_parser_class(parser_class: Any, spec_class: Any) -> tuple[Any, Any]:
    """Return (task parser class, task spec class) with Kinerja's parts for one BPMN tag."""
    if not isinstance(parser_class, type) or not issubclass(parser_class, TaskParser):
        return parser_class, spec_class
    parts: tuple[type, ...] = (_EventDefinitionParser, _EventSubprocessParser, CamundaLoopParser, parser_class)
    if spec_class is StartEvent:
        spec_class = ScopeStartEvent
        parts = (_ScopeStartEventParser, *parts)
    elif spec_class is EndEvent:
        parts = (_SignalEndEventParser, *parts)
    return type(parser_class.__name__, parts, {}), spec_class


def arm_event_subprocesses(spec: Any) -> None:
    """Start every event sub-process of a process spec with its scope, so its start event listens."""
    for name in list(spec.start.trigger_specs):
        task_spec = spec.task_specs.get(name)
        if isinstance(task_spec, EventSubprocess):
            spec.start.trigger_specs.remove(name)
            if task_spec not in spec.start.outputs:
                spec.start.connect(task_spec)
                task_spec.connect(spec.end)
