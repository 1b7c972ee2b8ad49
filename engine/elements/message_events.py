"""Camunda message events with Kinerja's correlation: the same expression read on both sides."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.base import EventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessage

from engine.expressions import juel_to_python
from engine.sandbox import SandboxEnvironment


class MessageEvent(CamundaMessage):
    """A message whose payload is camunda:expression (optional) and whose correlations travel with it.

    Correlation: for each BPMN correlation property of the message, the retrieval expression is
    evaluated on the sender's payload (or its task data when the payload is not a dict) and, on the
    receiving side, on the waiting task's data; the router delivers where the values agree.
    """

    def throw(self, my_task: Any) -> None:
        engine = my_task.workflow.script_engine
        result = engine.evaluate(my_task, _python(self.expression)) if self.expression else None
        context = result if isinstance(result, dict) else my_task.data
        correlations = self.calculate_correlations(engine, self.correlation_properties, context)
        event = BpmnEvent(self, payload={"payload": result, "result_var": self.result_var},
                          correlations=correlations)
        my_task.workflow.top_workflow.catch(event)

    def expected_correlations(self, my_task: Any) -> dict[str, Any]:
        """Return the correlation values a waiting task expects, read from its own data."""
        if not self.correlation_properties:
            return {}
        values: dict[str, Any] = {}
        for prop in self.correlation_properties:
            try:
                value = my_task.workflow.script_engine.environment.evaluate(
                    prop.retrieval_expression, my_task.data)
            except Exception:  # the variable is not there yet: no expectation for this property
                continue
            for key in prop.correlation_keys:
                values.setdefault(key, {})[prop.name] = value
        return values

    def catches(self, my_task: Any, event: Any) -> bool:
        if self != event.event_definition:
            return False
        expected = self.expected_correlations(my_task)
        return _agree(expected, event.correlations)

    def payload_correlations(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Return {key: {property: value}} read from a payload, as a sender of this message would.

        For a message sent from outside any process (`messages.send`); a property the payload lacks
        is MISSING, which agrees with no expected value, so such a message reaches nobody.
        """
        values: dict[str, Any] = {}
        for prop in self.correlation_properties or []:
            try:
                value = SandboxEnvironment().evaluate(prop.retrieval_expression, dict(payload))
            except Exception:
                value = MISSING
            for key in prop.correlation_keys:
                values.setdefault(key, {})[prop.name] = value
        return values

    def catch(self, my_task: Any, event: Any = None) -> None:
        # The correlations travel with the event (computed by the sender on its payload).
        self.update_internal_data(my_task, event)
        if event is not None and event.correlations:
            my_task.workflow.correlations.update(event.correlations)
        EventDefinition.catch(self, my_task, event)

    def update_internal_data(self, my_task: Any, event: Any) -> None:
        payload = dict(event.payload) if isinstance(event.payload, dict) else {"payload": event.payload}
        if not payload.get("result_var"):
            # The receiver names the variable when the sender does not (else <task id>_Response).
            payload["result_var"] = self.result_var or f"{my_task.task_spec.bpmn_id}_Response"
        my_task.internal_data[self.name] = payload


class _Missing:
    """A correlation property the payload does not have: equal to no expected value, shown as <missing>."""

    def __repr__(self) -> str:
        return "<missing>"

    __str__ = __repr__


MISSING = _Missing()


@lru_cache(maxsize=256)
def _python(expression: str) -> str:
    """Return the Python form of camunda:expression (JUEL `${...}` as Camunda Modeler writes it)."""
    return juel_to_python(expression)


def _agree(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    """Return whether every correlation property known on both sides has the same value."""
    for key, props in expected.items():
        for name, value in props.items():
            other = actual.get(key, {})
            if name in other and other[name] != value:
                return False
    return True
