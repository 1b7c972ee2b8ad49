"""The audit trail: insert-only, hash-chained events, one chain per instance plus a global chain."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .clock import clock
from .models import AuditChainHead, AuditCheck, AuditEvent, Instance, table_of
from .spreadsheet_cells import csv_safe_row

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


def _body(chain: str, seq: int, event_type: str, actor: str, occurred_at: datetime,
          instance_id: int | None, human_task_id: int | None, data_text: str) -> str:
    return canonical({
        "chain": chain, "seq": seq, "event_type": event_type, "actor": actor,
        "occurred_at": _utc_text(occurred_at), "instance_id": instance_id,
        "human_task_id": human_task_id, "data": data_text,
    })


def _digest(prev_hash: str, body: str) -> str:
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


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
            head = session.execute(select(Instance.audit_seq, Instance.audit_hash).where(
                Instance.id == instance_id).with_for_update(of=Instance)).first()
            if head is None:
                raise ValueError(f"instance {instance_id} does not exist")
            seq, prev = _append(session, chain, head.audit_seq, head.audit_hash, pending)
            # Bump the version too: an engine step holding an older copy of the row then gets a
            # conflict instead of writing back a stale chain head.
            session.execute(update(Instance).where(Instance.id == instance_id)
                            .values(audit_seq=seq, audit_hash=prev, version=Instance.version + 1)
                            .execution_options(synchronize_session=False))
            continue
        head = session.execute(select(AuditChainHead.seq, AuditChainHead.hash)
                               .where(AuditChainHead.chain == chain).with_for_update()).first()
        seq, prev = _append(session, chain, *(head if head else (0, GENESIS)), pending)
        if head:
            session.execute(update(AuditChainHead).where(AuditChainHead.chain == chain)
                            .values(seq=seq, hash=prev))
        else:
            session.execute(insert(AuditChainHead).values(chain=chain, seq=seq, hash=prev))


def chain_rows(chain: str, seq: int, prev: str, pending: list[Pending]) -> tuple[list[dict[str, Any]], int, str]:
    """Return the hash-chained rows of events after (seq, prev), and the new head."""
    now = clock.now()
    rows = []
    for event in pending:
        seq += 1
        occurred_at = event.occurred_at or now
        data_text = canonical(event.data or {})
        body = _body(chain, seq, event.event_type, event.actor, occurred_at, event.instance_id,
                     event.human_task_id, data_text)
        digest = _digest(prev, body)
        rows.append({"chain": chain, "seq": seq, "event_type": event.event_type, "actor": event.actor,
                     "occurred_at": occurred_at, "instance_id": event.instance_id,
                     "human_task_id": event.human_task_id, "data": data_text,
                     "prev_hash": prev, "hash": digest})
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


@dataclass
class Breach:
    """The first inconsistency found in a chain."""

    chain: str
    event_id: int | None
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"event {self.event_id} (seq {self.seq})" if self.event_id is not None else "chain head"
        return f"{self.chain}: {where}: {self.message}"


def verify(session: Session) -> list[Breach]:
    """Check every chain; return the first breach of each broken chain (empty when all is intact)."""
    heads: dict[str, tuple[int, str]] = {
        row.chain: (row.seq, row.hash) for row in session.execute(select(AuditChainHead)).scalars()}
    for instance_id, seq, digest in session.execute(select(Instance.id, Instance.audit_seq, Instance.audit_hash)):
        heads[chain_of(instance_id)] = (seq, digest)
    breaches: list[Breach] = []
    seen: set[str] = set()
    for chain, events in _events_by_chain(session):
        seen.add(chain)
        breach = _verify_chain(chain, events, heads.get(chain))
        if breach:
            breaches.append(breach)
    for chain in sorted(set(heads) - seen):
        count = heads[chain][0]
        message = (f"all {count} events of the chain are missing" if count
                   else "the instance has no audit trail at all")
        breaches.append(Breach(chain, None, None, message))
    return breaches


def _events_by_chain(session: Session) -> Iterator[tuple[str, list[AuditEvent]]]:
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.id)).scalars()
    chain: str | None = None
    batch: list[AuditEvent] = []
    for event in rows:
        if event.chain != chain and batch:
            yield chain, batch  # type: ignore[misc]
            batch = []
        chain = event.chain
        batch.append(event)
    if batch:
        yield chain, batch  # type: ignore[misc]


def _verify_chain(chain: str, events: list[AuditEvent], head: tuple[int, str] | None) -> Breach | None:
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return Breach(chain, event.id, event.seq,
                          f"expected sequence {expected_seq}: an event was removed or reordered")
        if event.prev_hash != prev:
            return Breach(chain, event.id, event.seq, "previous-hash link broken: an event was removed "
                                                      "or reordered")
        body = _body(chain, event.seq, event.event_type, event.actor, _aware(event.occurred_at),
                     event.instance_id, event.human_task_id, event.data)
        if _digest(prev, body) != event.hash:
            return Breach(chain, event.id, event.seq, "content does not match its hash: the event was edited")
        prev = event.hash
    last = events[-1]
    if head is None:
        return Breach(chain, None, None, "the chain has no recorded head (its instance was removed)")
    if head != (last.seq, last.hash):
        return Breach(chain, last.id, last.seq,
                      f"the chain ends at sequence {last.seq} but its head records {head[0]}: "
                      "events at the end were removed")
    return None


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _utc_text(moment: datetime) -> str:
    # PostgreSQL hands back times in the session's zone: hash the UTC form only.
    return _aware(moment).astimezone(UTC).isoformat()


def events_of(session: Session, instance_id: int) -> list[AuditEvent]:
    """Return the instance's events in chain order."""
    return list(session.execute(select(AuditEvent).where(AuditEvent.chain == chain_of(instance_id))
                                .order_by(AuditEvent.seq)).scalars())


def access_events_of(session: Session, instance_id: int) -> list[AuditEvent]:
    """Return the recorded looks at an instance's records, oldest first."""
    return list(session.execute(select(AuditEvent).where(AuditEvent.chain == access_chain_of(instance_id))
                                .order_by(AuditEvent.seq)).scalars())


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """Return the stable export form of an event."""
    return {"id": event.id, "chain": event.chain, "seq": event.seq, "event_type": event.event_type,
            "actor": event.actor, "occurred_at": _utc_text(event.occurred_at),
            "instance_id": event.instance_id, "human_task_id": event.human_task_id,
            "data": json.loads(event.data), "prev_hash": event.prev_hash, "hash": event.hash}


def is_confidential(event: dict[str, Any]) -> bool:
    """Return whether an exported event (`event_dict`) carries a restricted payload."""
    return bool(event["data"].get("confidential")) and event["event_type"] == CONFIDENTIAL_EVENT


def export(session: Session, instance_id: int, fmt: str) -> str:
    """Export an instance's trail as JSON (a list of events) or CSV (data as JSON text)."""
    events = [event_dict(e) for e in events_of(session, instance_id)]
    if fmt == "json":
        return json.dumps(events, indent=2, ensure_ascii=False)
    out = io.StringIO()
    columns = ["id", "chain", "seq", "event_type", "actor", "occurred_at", "instance_id", "human_task_id",
               "data", "prev_hash", "hash"]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for event in events:
        writer.writerow(csv_safe_row({**event, "data": canonical(event["data"])}))
    return out.getvalue()


def chain_head(session: Session, chain: str) -> tuple[int, str] | None:
    """Return the recorded head (seq, hash) of one chain: the instance row's, or `audit_chain_head`'s."""
    if chain.startswith("instance:"):
        row = session.execute(select(Instance.audit_seq, Instance.audit_hash).where(
            Instance.id == int(chain.split(":", 1)[1]))).first()
    else:
        row = session.execute(select(AuditChainHead.seq, AuditChainHead.hash)
                              .where(AuditChainHead.chain == chain)).first()
    return (row[0], row[1]) if row is not None else None


def verify_chain(session: Session, chain: str) -> Breach | None:
    """Check one chain as `verify` does; return its first breach, or None when it is intact."""
    events = list(session.execute(select(AuditEvent).where(AuditEvent.chain == chain)
                                  .order_by(AuditEvent.id)).scalars())
    head = chain_head(session, chain)
    if events:
        return _verify_chain(chain, events, head)
    if head is None:
        return None  # a chain nothing was ever written to (an access chain nobody used)
    if head[0]:
        return Breach(chain, None, None, f"all {head[0]} events of the chain are missing")
    if chain.startswith("instance:"):
        return Breach(chain, None, None, "the instance has no audit trail at all")
    return None


def verify_instance(session: Session, instance_id: int) -> dict[str, Breach | None]:
    """Check an instance's own chain and its access chain; return each chain's first breach or None."""
    return {chain: verify_chain(session, chain) for chain in (chain_of(instance_id), access_chain_of(instance_id))}


def all_chains(session: Session) -> list[str]:
    """Return the name of every chain that has events or a recorded head, sorted: the units of a full check."""
    names = set(session.execute(select(AuditEvent.chain).distinct()).scalars())
    names.update(session.execute(select(AuditChainHead.chain)).scalars())
    names.update(chain_of(i) for i in session.execute(select(Instance.id)).scalars())
    return sorted(names)


def start_check(session: Session, actor: str) -> tuple[AuditCheck, list[str]]:
    """Open a whole-database check (status running) and return it with the chains it is to go through."""
    chains = all_chains(session)
    check = AuditCheck(started_by=actor, started_at=clock.now(), status="running", chains_total=len(chains),
                       chains_done=0, breaches=[])
    session.add(check)
    session.flush()
    return check, chains


def check_chains(session: Session, check: AuditCheck, chains: list[str]) -> None:
    """Verify a batch of chains for a check: count them done and add the breaches they hold."""
    found = [breach for breach in (verify_chain(session, chain) for chain in chains) if breach is not None]
    if found:
        # A new list: the JSON column only notices a replaced value, not one changed in place.
        check.breaches = [*check.breaches, *({"chain": b.chain, "event_id": b.event_id, "seq": b.seq,
                                              "message": b.message} for b in found)]
    check.chains_done += len(chains)
    session.flush()


def finish_check(session: Session, check: AuditCheck, error: str | None = None) -> None:
    """Close a check: done when every chain was gone through, failed (with the reason) otherwise."""
    check.status = "failed" if error else "done"
    check.error = error
    check.finished_at = clock.now()
    session.flush()
