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
from engine.models import Instance, MessageSubscription, SpecVersion

from . import correlation_keys
from .execution import ACTIVE, advance, lock, restore, save
from .launch import launch
from .run import Run

#: Deliveries may cascade (a receiver throws in turn); stop runaway ping-pong.
MAX_DEPTH = 20


def describe(event: Any) -> dict[str, Any]:
    """Return the audit form of a message event."""
    payload = event.payload.get("payload") if isinstance(event.payload, dict) else event.payload
    return {"message": event.event_definition.name, "payload": audit.json_safe(payload),
            "correlations": audit.json_safe(event.correlations or {})}


def send(session: Session, name: str, payload: dict[str, Any], actor: str) -> int:
    """Send a message from outside any process (a domain action); return how many instances received it.

    With no sending process, the correlation properties come from the processes waiting for the message:
    their retrieval expressions are evaluated on the payload once per deployed version (so routing
    narrows the receivers by query, as for a message thrown by a process). Undelivered messages are
    audited like any other.
    """
    check_data(payload)
    event = BpmnEvent(MessageEvent(name), payload={"payload": payload, "result_var": None},
                      correlations=_payload_correlations(session, name, payload))
    return route(session, event, None, actor)


def _payload_correlations(session: Session, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Evaluate the correlation properties the waiting processes define for a message on its payload."""
    versions = session.execute(
        select(SpecVersion.id, SpecVersion.sha256).join(Instance, Instance.spec_version_id == SpecVersion.id)
        .join(MessageSubscription, MessageSubscription.instance_id == Instance.id)
        .where(MessageSubscription.message_name == name).distinct()).all()
    correlations: dict[str, Any] = {}
    for version_id, sha256 in versions:
        spec, subprocesses = spec_of(session, version_id, sha256)
        for process_spec in [spec, *subprocesses.values()]:
            for task_spec in process_spec.task_specs.values():
                definition = getattr(task_spec, "event_definition", None)
                if isinstance(definition, MessageEvent) and definition.name == name:
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

    Looked up by the index on (name, correlation key); `_agree` still decides, so the lookup only has to
    find every subscription that can agree (runtime.correlation_keys), and reads them all when it cannot.
    """
    # Two columns, not ORM rows: a city has hundreds of waiting calibrations, and only the ids that agree matter.
    query = select(MessageSubscription.instance_id, MessageSubscription.correlations).where(
        MessageSubscription.message_name == name)
    keys = correlation_keys.lookup_keys(correlations, _domains(session, name))
    if keys is not None:
        query = query.where(MessageSubscription.correlation_key.in_(keys))
    return list(session.execute(query).all())


#: (spec sha256, message name) -> the (key, property) sets its waiting tasks may expect; specs never change.
_DOMAINS: dict[tuple[str, str], list[frozenset[tuple[str, str]]]] = {}


def _domains(session: Session, name: str) -> list[set[tuple[str, str]]]:
    """Return the (key, property) pairs each catching task of the message may expect, over every deployed version."""
    found: list[set[tuple[str, str]]] = []
    for version_id, sha256 in session.execute(select(SpecVersion.id, SpecVersion.sha256)):
        if (sha256, name) not in _DOMAINS:
            spec, subprocesses = spec_of(session, version_id, sha256)
            _DOMAINS[(sha256, name)] = [
                frozenset((key, prop.name) for prop in definition.correlation_properties or []
                          for key in prop.correlation_keys)
                for process_spec in [spec, *subprocesses.values()] for task_spec in process_spec.task_specs.values()
                if isinstance(definition := getattr(task_spec, "event_definition", None), MessageEvent)
                and definition.name == name]
        found.extend(set(domain) for domain in _DOMAINS[(sha256, name)] if domain)
    return found


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
