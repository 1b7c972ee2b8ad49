"""SpiffWorkflow serialization: specs once per version, instance state without the spec."""

from __future__ import annotations

import json
from copy import copy
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    ErrorEscalationEventDefinitionConverter,
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.task_spec import (
    BpmnTaskSpecConverter,
    ConditionalGatewayConverter,
    EventConverter,
    ParallelGatewayConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.spec import EventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.serializer.event_definition import MessageEventDefinitionConverter

from engine.elements.coded_events import ScopedError, ScopedEscalation
from engine.elements.conditional_events import ConditionalEvent
from engine.elements.decisions.task import DecisionTask
from engine.elements.event_subprocess import EventSubprocess, EventSubprocessConverter, ScopeStartEvent
from engine.elements.joins import InclusiveJoin, ParallelJoin
from engine.elements.mappings import mapped_converters
from engine.elements.message_events import MessageEvent
from engine.elements.multi_instance import CamundaLoopConverter, CamundaParallelLoop, CamundaSequentialLoop
from engine.elements.service_tasks import (
    ExternalServiceTask,
    ExternalServiceTaskConverter,
    PassThroughManualTask,
    PassThroughTask,
    ThrowEvent,
)
from engine.elements.signal_events import SignalEvent

from .decision_converter import DecisionTaskConverter
from .state_pack import FORMAT, pack, unpack

SERIALIZER_VERSION = BpmnWorkflowSerializer.VERSION if hasattr(BpmnWorkflowSerializer, "VERSION") else "1.5"


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Workflow converter that leaves the spec out; the caller hands it back on restore."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value: str) -> Any:
    from uuid import UUID
    return UUID(value)


def _config(specless: bool) -> dict[Any, Any]:
    config: dict[Any, Any] = copy(CAMUNDA_CONFIG)
    config[DecisionTask] = DecisionTaskConverter
    config[MessageEvent] = MessageEventDefinitionConverter
    config[ParallelJoin] = ParallelGatewayConverter
    config[InclusiveJoin] = ConditionalGatewayConverter
    config[ExternalServiceTask] = ExternalServiceTaskConverter
    config[PassThroughTask] = BpmnTaskSpecConverter
    config[PassThroughManualTask] = BpmnTaskSpecConverter
    config[ThrowEvent] = EventConverter
    config[CamundaParallelLoop] = CamundaLoopConverter
    config[CamundaSequentialLoop] = CamundaLoopConverter
    config[EventSubprocess] = EventSubprocessConverter
    config[ScopeStartEvent] = EventConverter
    config[ConditionalEvent] = TimerConditionalEventDefinitionConverter
    config[ScopedError] = ErrorEscalationEventDefinitionConverter
    config[ScopedEscalation] = ErrorEscalationEventDefinitionConverter
    config[SignalEvent] = EventDefinitionConverter
    config.update(mapped_converters(config))  # keep last: covers every task spec class above
    if specless:
        config[BpmnWorkflow] = SpeclessWorkflowConverter
    return config


#: Full serializer (specs, and whole workflows for the benchmark baseline).
full_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config(False)))
_state_registry = BpmnWorkflowSerializer.configure(_config(True))
_state_serializer = BpmnWorkflowSerializer(_state_registry)
#: The library's own state-only JSON (what Kinerja stored up to the packed format; still loads).
LIBRARY_STATE_VERSION: str = _state_serializer.VERSION
#: What `dump_state` writes: the library's version of the dict, packed by `state_pack`.
STATE_VERSION: str = f"{LIBRARY_STATE_VERSION}+{FORMAT}"


def dump_spec(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> str:
    """Serialize a process spec with its sub-process specs to JSON."""
    registry = full_serializer.registry
    return json.dumps({
        "spec": registry.convert(spec),
        "subprocess_specs": {name: registry.convert(sp) for name, sp in subprocess_specs.items()},
    }, sort_keys=True)


def load_spec(text: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Restore a process spec and its sub-process specs from `dump_spec` output."""
    registry = full_serializer.registry
    dct = json.loads(text)
    subprocess_specs = {name: registry.restore(sp) for name, sp in dct["subprocess_specs"].items()}
    return registry.restore(dct["spec"]), subprocess_specs


def state_dict(workflow: BpmnWorkflow) -> dict[str, Any]:
    """Return the library's state-only dict of a workflow (values not yet JSON-encoded)."""
    _state_registry._encoder_mode = True
    try:
        dct: dict[str, Any] = _state_registry.convert(workflow)
    finally:
        _state_registry._encoder_mode = False
    return dct


def dump_plain_state(workflow: BpmnWorkflow) -> str:
    """Serialize a workflow's state (no spec) as the library's own JSON (version `LIBRARY_STATE_VERSION`)."""
    return json.dumps(state_dict(workflow), cls=_state_serializer._encoder_cls)


def dump_state(workflow: BpmnWorkflow) -> str:
    """Serialize a workflow's state (no spec) to compact JSON (version `STATE_VERSION`)."""
    return pack(state_dict(workflow), _state_serializer._encoder_cls)


def load_state(text: str, version: str, spec: BpmnProcessSpec,
               subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
    """Restore a workflow from `dump_state` (or `dump_plain_state`) output onto its (shared, cached) spec."""
    library_version, _, packing = version.partition("+")
    if packing and packing != FORMAT:
        raise ValueError(f"unknown state format {version!r} (this engine writes {STATE_VERSION!r})")
    dct = unpack(text) if packing else json.loads(text)
    if library_version != LIBRARY_STATE_VERSION and library_version in MIGRATIONS:
        MIGRATIONS[library_version](dct)
    workflow: BpmnWorkflow = _state_registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    return workflow
