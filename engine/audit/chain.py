"""Appending events to the hash chains: one per instance, one per instance's looks, and a global one.

Each event's hash is an HMAC (keyed, `keys`) of the previous hash and the event's canonical body, so a
chain cannot be recomputed without the key; the key's id is stored with the event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.models import AuditChainHead, AuditEvent, Instance, table_of

from . import keys, seals

GLOBAL_CHAIN = "global"
GENESIS = "0" * 64
#: The event holding a confidential task's answers: in the chain for auditors, left out of other views.
CONFIDENTIAL_EVENT = "task_data_confidential"


def chain_of(instance_id: int | None) -> str:
    """Return the chain name events of this instance (or of none) belong to."""
    return GLOBAL_CHAIN if instance_id is None else f"instance:{instance_id}"


def access_chain_of(instance_id: int) -> str:
    """Return the chain of the looks at an instance's records (`record_viewed`).

    Reads are not changes: their own chain, headed in `audit_chain_head`, keeps them from locking the
    instance row and bumping its version, so someone reading an appraisal never makes its employee's
    submission fail as a conflict.
    """
    return f"access:{instance_id}"


def canonical(value: Any) -> str:
    """Return the canonical JSON text that is hashed (sorted keys, no spaces, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def json_safe(value: Any) -> Any:
    """Return value as plain JSON data (dates and other objects become text)."""
    return json.loads(canonical(value))


@dataclass
class Pending:
    """An event waiting to be appended to its chain."""

    event_type: str
    actor: str
    instance_id: int | None = None
    human_task_id: int | None = None
    data: dict[str, Any] | None = None
    occurred_at: datetime | None = None
    #: Another chain than the instance's (`access_chain_of`); None for the usual one.
    chain: str | None = None


def body(chain: str, seq: int, event_type: str, actor: str, occurred_at: datetime,
         instance_id: int | None, human_task_id: int | None, data_text: str, state_hash: str | None) -> str:
    """Return the canonical text an event's hash covers (the state hash only when there is one)."""
    fields: dict[str, Any] = {
        "chain": chain, "seq": seq, "event_type": event_type, "actor": actor,
        "occurred_at": utc_text(occurred_at), "instance_id": instance_id,
        "human_task_id": human_task_id, "data": data_text}
    if state_hash is not None:
        fields["state_hash"] = state_hash
    return canonical(fields)


_INSERT_EVENTS = insert(table_of(AuditEvent))  # built once: the hot path's insert


def record(session: Session, event_type: str, actor: str, *, instance_id: int | None = None,
           human_task_id: int | None = None, data: dict[str, Any] | None = None, chain: str | None = None) -> None:
    """Append one event to its chain (the instance's, the global one, or the given one) in the caller's transaction."""
    record_many(session, [Pending(event_type, actor, instance_id, human_task_id, data, chain=chain)])


def record_many(session: Session, events: Iterable[Pending]) -> None:
    """Append events, grouped per chain, with one head read and one head write per chain."""
    by_chain: dict[str, list[Pending]] = {}
    for event in events:
        by_chain.setdefault(event.chain or chain_of(event.instance_id), []).append(event)
    for chain, pending in by_chain.items():
        instance_id = pending[0].instance_id
        if instance_id is not None and chain == chain_of(instance_id):
            _append_to_instance(session, instance_id, chain, pending)
            continue
        head = session.execute(select(AuditChainHead.seq, AuditChainHead.hash, AuditChainHead.seal)
                               .where(AuditChainHead.chain == chain).with_for_update()).first()
        if head is not None:
            seals.require_head(chain, head.seq, head.hash, head.seal)
        seq, prev = _append(session, chain, head.seq if head else 0, head.hash if head else GENESIS, pending)
        seal = seals.seal_head(chain, seq, prev)
        if head:
            session.execute(update(AuditChainHead).where(AuditChainHead.chain == chain)
                            .values(seq=seq, hash=prev, seal=seal))
        else:
            session.execute(insert(AuditChainHead).values(chain=chain, seq=seq, hash=prev, seal=seal))


def _append_to_instance(session: Session, instance_id: int, chain: str, pending: list[Pending]) -> None:
    head = session.execute(select(Instance.audit_seq, Instance.audit_hash, Instance.state_hash, Instance.seal)
                           .where(Instance.id == instance_id).with_for_update(of=Instance)).first()
    if head is None:
        raise ValueError(f"instance {instance_id} does not exist")
    # A fresh instance (nothing chained yet) has no seal until its first save, in this transaction.
    if head.audit_seq or head.seal is not None:
        seals.require_instance(instance_id, head.audit_seq, head.audit_hash, head.state_hash, head.seal)
    seq, prev = _append(session, chain, head.audit_seq, head.audit_hash, pending)
    # Bump the version too: an engine step holding an older copy of the row then gets a
    # conflict instead of writing back a stale chain head.
    session.execute(update(Instance).where(Instance.id == instance_id)
                    .values(audit_seq=seq, audit_hash=prev, version=Instance.version + 1,
                            seal=seals.seal_instance(instance_id, seq, prev, head.state_hash))
                    .execution_options(synchronize_session=False))


def chain_rows(chain: str, seq: int, prev: str, pending: list[Pending],
               state_hash: str | None = None) -> tuple[list[dict[str, Any]], int, str]:
    """Return the hash-chained rows of events after (seq, prev), and the new head.

    `state_hash` is the hash of the instance state saved with these events (an engine step's).
    """
    now = clock.now()
    key_id = keys.ring().current_id
    rows = []
    for event in pending:
        seq += 1
        occurred_at = event.occurred_at or now
        data_text = canonical(event.data or {})
        text = body(chain, seq, event.event_type, event.actor, occurred_at, event.instance_id,
                    event.human_task_id, data_text, state_hash)
        digest = keys.chain_digest(key_id, prev + text)
        rows.append({"chain": chain, "seq": seq, "event_type": event.event_type, "actor": event.actor,
                     "occurred_at": occurred_at, "instance_id": event.instance_id,
                     "human_task_id": event.human_task_id, "data": data_text,
                     "prev_hash": prev, "hash": digest, "key_id": key_id, "state_hash": state_hash})
        prev = digest
    return rows, seq, prev


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert audit rows made by `chain_rows` (one statement for any number)."""
    if rows:
        session.connection().execute(_INSERT_EVENTS, rows)  # Core: the hot path's insert


def _append(session: Session, chain: str, seq: int, prev: str, pending: list[Pending]) -> tuple[int, str]:
    """Hash-chain and insert events after (seq, prev); return the new head."""
    rows, seq, prev = chain_rows(chain, seq, prev, pending)
    insert_rows(session, rows)
    return seq, prev


def aware(moment: datetime) -> datetime:
    """Return a stored time as aware UTC (SQLite returns naive datetimes; every stored time is UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_text(moment: datetime) -> str:
    """Return the UTC ISO text of a time (PostgreSQL hands back times in the session's zone)."""
    return aware(moment).astimezone(UTC).isoformat()
