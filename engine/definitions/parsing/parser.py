"""SpiffWorkflow's Camunda 7 parser, extended to keep assignment, due dates, forms and decision results."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.event_parsers import ReceiveTaskParser
from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.parser.task_parsers import ConditionalGatewayParser, GatewayParser
from SpiffWorkflow.bpmn.parser.util import full_tag, one
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    EndEvent,
    IntermediateCatchEvent,
    ReceiveTask,
    StartEvent,
)
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaEndEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import (
    CAMUNDA_MODEL_NS,
    BusinessRuleTaskParser,
    CamundaTaskParser,
    UserTaskParser,
)
from SpiffWorkflow.camunda.specs.user_task import Form, UserTask

from engine.elements.decisions.task import DecisionTask
from engine.elements.joins import InclusiveJoin, ParallelJoin
from engine.elements.message_events import MessageEvent
from engine.elements.service_tasks import ExternalServiceTask, PassThroughManualTask, PassThroughTask, ThrowEvent

from .decisions import DecisionGraphMixin
from .events import arm_event_subprocesses, kinerja_parser_class
from .mappings import apply_mappings
from .tasks import ExternalTaskMixin, ExternalTaskParser, is_external

BPMN_TAG_PREFIX = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"

#: camunda: attributes of user and manual tasks that SpiffWorkflow's parser drops.
TASK_ATTRIBUTES = ("assignee", "candidateUsers", "candidateGroups", "dueDate", "followUpDate", "formKey",
                   "priority")


def _camunda_attributes(node: Any, names: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for name in names:
        value = node.get(f"{{{CAMUNDA_MODEL_NS}}}{name}")
        if value is not None and value.strip():
            values[name] = value.strip()
    return values


class _ExtensionsMixin:
    """Store camunda properties under 'properties' and the camunda: attributes beside them."""

    node: Any

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        properties = CamundaTaskParser.parse_extensions(self, node)
        extensions: dict[str, Any] = {"properties": properties}
        extensions.update(_camunda_attributes(self.node, TASK_ATTRIBUTES))
        return extensions


class KinerjaUserTaskParser(_ExtensionsMixin, UserTaskParser):
    """User task parser that keeps assignment attributes and reads formData without a formKey."""

    def get_form(self) -> Form:
        form = Form()
        form.key = self.node.get(f"{{{CAMUNDA_MODEL_NS}}}formKey")
        if self.xpath(".//camunda:formData"):
            # UserTaskParser.get_form returns an empty form when formKey is absent, which is how
            # Camunda Modeler saves generated forms; set a key so it parses the fields.
            parsed = UserTaskParser.get_form(self) if form.key else self._fields_without_key()
            parsed.key = form.key
            return parsed
        return form

    def _fields_without_key(self) -> Form:
        self.node.set(f"{{{CAMUNDA_MODEL_NS}}}formKey", "")
        try:
            return UserTaskParser.get_form(self)
        finally:
            del self.node.attrib[f"{{{CAMUNDA_MODEL_NS}}}formKey"]


class KinerjaManualTaskParser(_ExtensionsMixin, CamundaTaskParser):
    """Manual task parser that keeps assignment attributes."""


class KinerjaBusinessRuleTaskParser(BusinessRuleTaskParser):
    """Business rule task parser that keeps camunda:resultVariable and camunda:mapDecisionResult."""

    def create_task(self) -> DecisionTask:
        # The base parser hard-codes SpiffWorkflow's class; build ours.
        decision_ref = self.get_decision_ref(self.node)
        parser = self.process_parser.parser
        return DecisionTask(self.spec, self.bpmn_id, dmnEngine=parser.get_engine(decision_ref, self.node),
                            decisions=parser.decision_graph(decision_ref, self.node), **self.bpmn_attributes)

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        extensions: dict[str, Any] = {"properties": super().parse_extensions(node)}
        extensions.update(_camunda_attributes(self.node, ("resultVariable", "mapDecisionResult",
                                                          "decisionRef")))
        return extensions


class BusinessRuleParser(ExternalTaskMixin, KinerjaBusinessRuleTaskParser):
    """A business rule task evaluates a DMN decision, or is an external task (camunda:type="external")."""

    def create_task(self) -> Any:
        if is_external(self.node):
            return self.create_external_task()
        return super().create_task()

    @staticmethod
    def get_decision_ref(node: Any) -> str | None:
        # SpiffWorkflow reads it from every business rule task, external ones too; the checks refuse
        # a missing decision with its line.
        ref: str | None = node.get(f"{{{CAMUNDA_MODEL_NS}}}decisionRef")
        return ref


class _MessageMixin:
    """Build Kinerja's MessageEvent (optional payload, correlation on both sides)."""

    def parse_message_event(self, message_event: Any) -> MessageEvent:
        message_ref = message_event.get("messageRef")
        if message_ref:
            message = one(self.doc_xpath(f'.//bpmn:message[@id="{message_ref}"]'))  # type: ignore[attr-defined]
            name = message.get("name") or message_ref
            correlations = self.get_message_correlations(message_ref)  # type: ignore[attr-defined]
        else:
            name = message_event.getparent().get("name")
            correlations = []
        payload = message_event.get(f"{{{CAMUNDA_MODEL_NS}}}expression")
        result_var = message_event.get(f"{{{CAMUNDA_MODEL_NS}}}resultVariable")
        return MessageEvent(name, correlations, payload, result_var)


class _InitiatorMixin:
    """Keep camunda:initiator, the variable that gets the user who starts the instance."""

    node: Any

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        return _camunda_attributes(self.node, ("initiator",))


class StartEventParser(_InitiatorMixin, _MessageMixin, CamundaStartEventParser):
    pass


class EndEventParser(_MessageMixin, CamundaEndEventParser):
    pass


class CatchEventParser(_MessageMixin, CamundaIntermediateCatchEventParser):
    pass


class ThrowEventParser(_MessageMixin, CamundaIntermediateThrowEventParser):
    pass


class BoundaryParser(_MessageMixin, CamundaBoundaryEventParser):
    pass


class ReceiveParser(_MessageMixin, ReceiveTaskParser):
    pass


class KinerjaProcessParser(ProcessParser):
    """Process parser whose id index prefers BPMN elements over vendor ones with the same id.

    SpiffWorkflow indexes every element with an `id`, so a camunda:value id="approve" in a form
    shadowed the user task "approve" and the parser refused the file.
    """

    def add_tasks(self) -> None:
        super().add_tasks()
        arm_event_subprocesses(self.spec)  # event sub-processes listen while their scope runs

    def _index_process_nodes(self) -> None:
        super()._index_process_nodes()
        for node in self.xpath(".//*[@id]"):
            if str(node.tag).startswith(BPMN_TAG_PREFIX):
                self.nodes_by_id[node.get("id")] = node

    def parse_node(self, node: Any) -> Any:
        # camunda:inputOutput and camunda:in/out (engine/elements/mappings.py).
        spec = apply_mappings(node, super().parse_node(node), self.filename)
        # SpiffWorkflow gives every node of an embedded sub-process the sub-process's lane; Camunda Modeler
        # names the nested nodes in their own lanes (a collapsed sub-process may span several roles).
        own_lane = self.get_lane_name(node.get("id"))
        if self.lane is not None and own_lane is not None:
            spec.lane = own_lane
        return spec


class KinerjaParser(DecisionGraphMixin, CamundaParser):
    """The parser every deploy uses (a new one per deployment: it refuses duplicate process ids)."""

    PROCESS_PARSER_CLASS = KinerjaProcessParser
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (KinerjaUserTaskParser, UserTask),
        full_tag("manualTask"): (KinerjaManualTaskParser, PassThroughManualTask),
        full_tag("businessRuleTask"): (BusinessRuleParser, DecisionTask),
        full_tag("startEvent"): (StartEventParser, StartEvent),
        full_tag("endEvent"): (EndEventParser, EndEvent),
        full_tag("intermediateCatchEvent"): (CatchEventParser, IntermediateCatchEvent),
        full_tag("intermediateThrowEvent"): (ThrowEventParser, ThrowEvent),
        full_tag("boundaryEvent"): (BoundaryParser, BoundaryEvent),
        # Camunda's variable semantics at joins (engine/joins.py).
        full_tag("parallelGateway"): (GatewayParser, ParallelJoin),
        full_tag("inclusiveGateway"): (ConditionalGatewayParser, InclusiveJoin),
        # Camunda 7 semantics of tasks (engine/elements/service_tasks.py).
        full_tag("task"): (CamundaTaskParser, PassThroughTask),
        full_tag("serviceTask"): (ExternalTaskParser, ExternalServiceTask),
        full_tag("sendTask"): (ExternalTaskParser, ExternalServiceTask),
        full_tag("receiveTask"): (ReceiveParser, ReceiveTask),
    }

    def _get_parser_class(self, tag: str) -> tuple[Any, Any]:
        # Camunda multi-instance and event sub-processes for every task (engine/definitions/parsing/events.py).
        node_parser, spec_class = super()._get_parser_class(tag)
        return kinerja_parser_class(node_parser, spec_class)
