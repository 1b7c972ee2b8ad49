"""Routing messages between instances: SpiffWorkflow delivers only inside one workflow."""

from __future__ import annotations

import uuid
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.data_limits import check_data
from engine.definitions.specs import latest_versions, spec_of
from engine.elements.message_events import MessageEvent, _agree
from engine.elements.signal_events import SignalEvent
from engine.elements.signal_events import subscription_name as signal_subscription
from engine.models import MessageSubscription, SpecVersion

from ..lifecycle.launch import launch
from ..running.execution import ACTIVE, advance, lock, restore, save
from ..running.run import Run
from . import correlation_keys

#: Deliveries may cascade (a receiver throws in turn); stop runaway ping-pong.
MAX_DEPTH = 20


def describe(event: Any) -> dict[str, Any]:
    """Return the audit form of a message event."""
    payload = event.payload.get("payload") if isinstance(event.payload, dict) else event.payload
    return {"message": event.event_definition.name, "payload": audit.json_safe(payload),
            "correlations": audit.json_safe(event.correlations or {})}


def send(session: Session, name: str, payload: dict[str, Any], actor: str) -> int:
    """Send a message from outside any process (a domain action); return how many instances received it.

    With no sending process, the correlation properties come from the deployed processes catching the
    message: their retrieval expressions are evaluated on the payload (so routing narrows the receivers
    by query, as for a message thrown by a process). Undelivered messages are
    audited like any other.
    """
    check_data(payload)
    event = BpmnEvent(MessageEvent(name), payload={"payload": payload, "result_var": None},
                      correlations=_payload_correlations(session, name, payload))
    return route(session, event, None, actor)


def _payload_correlations(session: Session, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Evaluate the correlation properties the deployed catchers of a message define on its payload."""
    correlations: dict[str, Any] = {}
    for definition in _catchers(session, name):
        for key, values in definition.payload_correlations(payload).items():
            correlations.setdefault(key, {}).update(values)
    return correlations


def deliver(session: Session, run: Run, depth: int = 0) -> None:
    """Route the messages a run threw to waiting instances or to processes they start."""
    outbox, run.outbox = run.outbox, []
    for event in outbox:
        route(session, event, run.instance.id, run.actor, depth)


def _candidates(session: Session, name: str, correlations: dict[str, Any]) -> list[Any]:
    """Return (instance id, expected correlations) of the subscriptions to a message that may agree with it.

    Looked up by the index on (correlation key, name); `_agree` still decides, so the lookup only has to
    find every subscription that can agree (runtime.events.correlation_keys), and reads them all when it cannot.
    """
    # Two columns, not ORM rows: a city has hundreds of waiting calibrations, and only the ids that agree matter.
    query = select(MessageSubscription.instance_id, MessageSubscription.correlations).where(
        MessageSubscription.message_name == name)
    keys = correlation_keys.lookup_keys(correlations, _domains(session, name))
    if keys is not None:
        query = query.where(MessageSubscription.correlation_key.in_(keys))
    return list(session.execute(query).all())


#: (spec sha256, message name) -> the message events of that version; a deployed spec never changes.
_CATCHERS: dict[tuple[str, str], list[MessageEvent]] = {}


def _catchers(session: Session, name: str) -> list[MessageEvent]:
    """Return the message events of `name` (catching, or throwing it) in every deployed version, in version order.

    Every version, not only those with instances waiting: finding those would read every subscription
    of the name, which is what the index spares.
    """
    found: list[MessageEvent] = []
    for version_id, sha256 in session.execute(select(SpecVersion.id, SpecVersion.sha256).order_by(SpecVersion.id)):
        if (sha256, name) not in _CATCHERS:
            spec, subprocesses = spec_of(session, version_id, sha256)
            _CATCHERS[(sha256, name)] = [
                definition for process_spec in [spec, *subprocesses.values()]
                for task_spec in process_spec.task_specs.values()
                if isinstance(definition := getattr(task_spec, "event_definition", None), MessageEvent)
                and definition.name == name]
        found.extend(_CATCHERS[(sha256, name)])
    return found


def _domains(session: Session, name: str) -> list[set[tuple[str, str]]]:
    """Return the (key, property) pairs each task waiting for the message may expect."""
    domains = ({(key, prop.name) for prop in definition.correlation_properties or [] for key in prop.correlation_keys}
               for definition in _catchers(session, name))
    return [domain for domain in domains if domain]


def route(session: Session, event: Any, sender_id: int | None, actor: str, depth: int = 0) -> int:
    """Deliver one message; return how many instances received it (started ones included)."""
    if depth > MAX_DEPTH:
        audit.record(session, "message_undelivered", actor, instance_id=sender_id,
                     data={**describe(event), "reason": f"more than {MAX_DEPTH} cascaded deliveries"})
        return 0
    name = event.event_definition.name
    if isinstance(event.event_definition, SignalEvent):
        name = signal_subscription(name)  # every waiting instance, without correlation
    subscriptions = _candidates(session, name, event.correlations or {})
    delivered = 0
    for instance_id in sorted({instance_id for instance_id, correlations in subscriptions
                               if instance_id != sender_id and _agree(correlations, event.correlations or {})}):
        instance = lock(session, instance_id)
        if instance is None or instance.status not in ACTIVE:
            continue
        run = restore(session, instance, actor)
        try:
            run.workflow.send_event(event)
        except WorkflowException:
            continue  # correlation did not match inside the instance
        run.note("message_delivered", {**describe(event), "from_instance_id": sender_id})
        advance(run)
        save(session, run)
        deliver(session, run, depth + 1)
        delivered += 1
    if delivered and not isinstance(event.event_definition, SignalEvent):
        return delivered  # a signal also starts the processes whose start event catches it
    for version in latest_versions(session):
        if name in (version.start_messages or []):
            payload = event.payload.get("payload") if isinstance(event.payload, dict) else None
            key = str(payload.get("business_key")) if isinstance(payload, dict) and payload.get(
                "business_key") else f"{name}:{uuid.uuid4()}"
            runs, (started,) = launch(session, version, [(key, {})], actor, message=event)
            audit.record(session, "message_delivered", actor, instance_id=started.id,
                         data={**describe(event), "from_instance_id": sender_id, "started": True})
            for run in runs:
                deliver(session, run, depth + 1)
            delivered += 1
    if not delivered:
        audit.record(session, "message_undelivered", actor, instance_id=sender_id,
                     data={**describe(event), "reason": "no instance was waiting for it"})
    return delivered
