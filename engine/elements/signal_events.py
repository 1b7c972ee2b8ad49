"""Signals as Camunda 7 sends them: to every instance waiting for the signal, not only the thrower's.

SpiffWorkflow delivers a signal inside the workflow that threw it, and hands it to the application only
when nothing there caught it. A thrown `SignalEvent` is caught inside its own instance and is always
handed on, so `runtime.events.messages.route` can give it to every other instance waiting for it (their
subscriptions are named `signal:<name>`) and start the processes whose start event catches it. A
signal carries no variables (Camunda's `camunda:in` on a signal is not supported).
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition

#: Prefix of the message_subscription name of an instance waiting for a signal.
SIGNAL_PREFIX = "signal:"


class SignalEvent(SignalEventDefinition):
    """bpmn:signalEventDefinition."""

    def throw(self, my_task: Any) -> None:
        event = BpmnEvent(self, payload=None)
        top = my_task.workflow.top_workflow
        top.event_manager.catch(event, internal=False)  # the thrower's own catchers
        top.bpmn_events.append(event)  # and every other instance, by the router

    def update_task_data(self, my_task: Any) -> None:
        pass  # a signal carries no variables


def subscription_name(name: str) -> str:
    """Return the message_subscription name of an instance waiting for signal `name`."""
    return f"{SIGNAL_PREFIX}{name}"
