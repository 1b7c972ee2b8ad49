"""SpiffWorkflow's Camunda 7 parser, extended to keep assignment, due dates, forms and decision results."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.ProcessParser import ProcessParser
from SpiffWorkflow.bpmn.parser.task_parsers import ConditionalGatewayParser, GatewayParser
from SpiffWorkflow.bpmn.parser.util import full_tag, one
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    EndEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    ManualTask,
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

from engine.elements.decisions import DecisionTask
from engine.elements.joins import InclusiveJoin, ParallelJoin
from engine.elements.message_events import MessageEvent

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
        return DecisionTask(self.spec, self.bpmn_id, dmnEngine=self.process_parser.parser.get_engine(
            decision_ref, self.node), **self.bpmn_attributes)

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        extensions: dict[str, Any] = {"properties": super().parse_extensions(node)}
        extensions.update(_camunda_attributes(self.node, ("resultVariable", "mapDecisionResult",
                                                          "decisionRef")))
        return extensions


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


class StartEventParser(_MessageMixin, CamundaStartEventParser):
    pass


class EndEventParser(_MessageMixin, CamundaEndEventParser):
    pass


class CatchEventParser(_MessageMixin, CamundaIntermediateCatchEventParser):
    pass


class ThrowEventParser(_MessageMixin, CamundaIntermediateThrowEventParser):
    pass


class BoundaryParser(_MessageMixin, CamundaBoundaryEventParser):
    pass


class KinerjaProcessParser(ProcessParser):
    """Process parser whose id index prefers BPMN elements over vendor ones with the same id.

    SpiffWorkflow indexes every element with an `id`, so a camunda:value id="approve" in a form
    shadowed the user task "approve" and the parser refused the file.
    """

    def _index_process_nodes(self) -> None:
        super()._index_process_nodes()
        for node in self.xpath(".//*[@id]"):
            if str(node.tag).startswith(BPMN_TAG_PREFIX):
                self.nodes_by_id[node.get("id")] = node


class KinerjaParser(CamundaParser):
    """The parser every deploy uses (a new one per deployment: it refuses duplicate process ids)."""

    PROCESS_PARSER_CLASS = KinerjaProcessParser
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (KinerjaUserTaskParser, UserTask),
        full_tag("manualTask"): (KinerjaManualTaskParser, ManualTask),
        full_tag("businessRuleTask"): (KinerjaBusinessRuleTaskParser, DecisionTask),
        full_tag("startEvent"): (StartEventParser, StartEvent),
        full_tag("endEvent"): (EndEventParser, EndEvent),
        full_tag("intermediateCatchEvent"): (CatchEventParser, IntermediateCatchEvent),
        full_tag("intermediateThrowEvent"): (ThrowEventParser, IntermediateThrowEvent),
        full_tag("boundaryEvent"): (BoundaryParser, BoundaryEvent),
        # Camunda's variable semantics at joins (engine/joins.py).
        full_tag("parallelGateway"): (GatewayParser, ParallelJoin),
        full_tag("inclusiveGateway"): (ConditionalGatewayParser, InclusiveJoin),
    }
