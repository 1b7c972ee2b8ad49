"""Edits an attacker with SQL access makes, shared by the tampering tests."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine import audit
from engine.audit.chain import body
from engine.models import (
    AuditChainHead,
    AuditEvent,
    ExternalTask,
    HumanTask,
    Instance,
    MessageSubscription,
    Notification,
    TaskCandidate,
    TaskDraft,
)


def plain_sha256(text: str) -> str:
    """The public hash function a forger has."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def guessed_key(text: str) -> str:
    """An HMAC with a key that is not the ring's."""
    return hmac.new(b"a guessed key of thirty-two bytes", text.encode("utf-8"), "sha256").hexdigest()


def recompute_chain(session: Session, instance_id: int, key_id: str | None, digest: Callable[[str], str]) -> None:
    """Edit the first event of an instance's chain, rehash every event after it, and move the head along."""
    chain = audit.chain_of(instance_id)
    events = list(session.execute(select(AuditEvent).where(AuditEvent.chain == chain)
                                  .order_by(AuditEvent.seq)).scalars())
    events[0].actor = "mallory"
    prev = audit.GENESIS
    for event in events:
        event.key_id = key_id or event.key_id
        event.prev_hash = prev
        event.hash = digest(prev + body(chain, event.seq, event.event_type, event.actor, event.occurred_at,
                                        event.instance_id, event.human_task_id, event.data, event.state_hash))
        prev = event.hash
    session.flush()
    session.execute(update(Instance).where(Instance.id == instance_id).values(audit_hash=prev))
    session.commit()


def delete_instance(session: Session, instance_id: int) -> None:
    """Delete an instance with everything that refers to it, its audit chains included."""
    tasks = select(HumanTask.id).where(HumanTask.instance_id == instance_id).scalar_subquery()
    for model in (TaskCandidate, TaskDraft):
        session.execute(delete(model).where(model.human_task_id.in_(tasks)))
    session.execute(delete(Notification).where(Notification.instance_id == instance_id))
    for model in (HumanTask, ExternalTask, MessageSubscription):
        session.execute(delete(model).where(model.instance_id == instance_id))
    chains = (audit.chain_of(instance_id), audit.access_chain_of(instance_id))
    session.execute(delete(AuditEvent).where(AuditEvent.chain.in_(chains)))
    session.execute(delete(AuditChainHead).where(AuditChainHead.chain.in_(chains)))
    session.execute(delete(Instance).where(Instance.id == instance_id))
    session.commit()
