"""Parsers for Camunda 7 tasks: external tasks for service, send and business rule tasks; pass-through tasks."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser

from engine.definitions.problems import camunda
from engine.elements.service_tasks import ExternalServiceTask


def is_external(node: Any) -> bool:
    """Return whether a task is done by an external worker (Implementation: External)."""
    return (node.get(camunda("type")) or "").strip() == "external"


def calls_java(node: Any) -> bool:
    """Return whether a task names Java code (camunda:class, delegateExpression or expression)."""
    return any((node.get(camunda(name)) or "").strip() for name in ("class", "delegateExpression", "expression"))


class ExternalTaskMixin:
    """Build an ExternalServiceTask for an element with camunda:type="external"."""

    node: Any
    spec: Any
    bpmn_id: str
    bpmn_attributes: dict[str, Any]

    def create_external_task(self) -> ExternalServiceTask:
        """Return the task spec of the external task this element declares."""
        priority = (self.node.get(camunda("taskPriority")) or "").strip() or None
        return ExternalServiceTask(self.spec, self.bpmn_id, topic=(self.node.get(camunda("topic")) or "").strip(),
                                   priority=priority, **self.bpmn_attributes)


class ExternalTaskParser(ExternalTaskMixin, CamundaTaskParser):
    """Service and send tasks: only external ones run (the checks refuse the others with a rewrite)."""

    def create_task(self) -> Any:
        if not is_external(self.node):
            self.raise_validation_exception("Kinerja runs only external service and send tasks "
                                            "(Implementation: External, with a topic)")
        return self.create_external_task()
