"""Verifying the trail: every chain event by event, streamed, and the seals of states, definitions and tasks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditChainHead, AuditEvent, HumanTask, Instance, SpecVersion, TaskCandidate, table_of

from . import keys, seals
from .chain import GENESIS, body, chain_of

#: Rows fetched per round trip while streaming: memory stays bounded whatever the size of the trail.
BATCH = 1000
#: Instances, definitions (large texts) fetched per round trip.
TEXT_BATCH = 50

EVENT = table_of(AuditEvent)
_EVENT_COLUMNS = (EVENT.c.id, EVENT.c.chain, EVENT.c.seq, EVENT.c.event_type, EVENT.c.actor, EVENT.c.occurred_at,
                  EVENT.c.instance_id, EVENT.c.human_task_id, EVENT.c.data, EVENT.c.prev_hash, EVENT.c.hash,
                  EVENT.c.key_id, EVENT.c.state_hash)


@dataclass
class Breach:
    """The first inconsistency found in a chain (or in a definition: chain `spec_version:<id>`)."""

    chain: str
    event_id: int | None
    seq: int | None
    message: str
    #: What was found broken when it is not an event: "state", "task", "definition"; "" for the chain head.
    part: str = ""

    def __str__(self) -> str:
        where = (f"event {self.event_id} (seq {self.seq})" if self.event_id is not None
                 else self.part or "chain head")
        return f"{self.chain}: {where}: {self.message}"


@dataclass
class Mark:
    """A chain head recorded by a checkpoint: the chain must still hold this event."""

    seq: int
    hash: str
    made_at: str


@dataclass
class ChainCheck:
    """Checks one chain's events, fed in sequence order, keeping only the last hash."""

    chain: str
    mark: Mark | None = None
    prev: str = GENESIS
    count: int = 0
    last: tuple[int, int, str] | None = None  # (event id, seq, hash)
    keyed: bool = False
    breach: Breach | None = None
    marked: bool = field(default=False)

    def feed(self, row: Any) -> None:
        """Check the next event of the chain."""
        if self.breach is not None:
            return
        self.count += 1
        self.breach = self._problem(row)
        self.prev = row.hash
        self.last = (row.id, row.seq, row.hash)

    def _problem(self, row: Any) -> Breach | None:
        def breach(message: str) -> Breach:
            return Breach(self.chain, row.id, row.seq, message)
        if row.seq != self.count:
            return breach(f"expected sequence {self.count}: an event was removed or reordered")
        if row.prev_hash != self.prev:
            return breach("previous-hash link broken: an event was removed or reordered")
        if row.key_id == keys.LEGACY and self.keyed:
            return breach("an unkeyed (plain SHA-256) event follows keyed ones: "
                          "the chain was recomputed without the key")
        self.keyed = self.keyed or row.key_id != keys.LEGACY
        text = body(self.chain, row.seq, row.event_type, row.actor, row.occurred_at, row.instance_id,
                    row.human_task_id, row.data, row.state_hash)
        try:
            digest = keys.chain_digest(row.key_id, self.prev + text)
        except keys.KeyRingError as exc:
            return breach(exc.message)
        if digest != row.hash:
            return breach("content does not match its hash: the event was edited (or the chain recomputed "
                          "without the key)")
        if self.mark is not None and row.seq == self.mark.seq:
            self.marked = True
            if row.hash != self.mark.hash:
                return breach(f"differs from the checkpoint of {self.mark.made_at}: the chain was rewritten")
        return None

    def finish(self, head: tuple[int, str] | None) -> Breach | None:
        """Return the chain's first breach, comparing its end with the recorded head and checkpoint."""
        if self.breach is not None or self.last is None:
            return self.breach
        event_id, seq, digest = self.last
        if self.mark is not None and not self.marked:
            return Breach(self.chain, event_id, seq, f"the checkpoint of {self.mark.made_at} recorded "
                          f"{self.mark.seq} events, only {seq} remain: events were removed")
        if head is None:
            return Breach(self.chain, None, None, "the chain has no recorded head (its instance was removed)")
        if head != (seq, digest):
            return Breach(self.chain, event_id, seq, f"the chain ends at sequence {seq} but its head records "
                          f"{head[0]}: events at the end were removed")
        return None


def empty_chain_problem(chain: str, head: tuple[int, str] | None, mark: Mark | None) -> Breach | None:
    """Return the breach of a chain that has no events left, if it should have some."""
    if mark is not None and mark.seq:
        what = "the instance and its trail were deleted" if chain.startswith("instance:") else "they were deleted"
        return Breach(chain, None, None, f"all {mark.seq} events recorded by the checkpoint of {mark.made_at} "
                      f"are gone: {what}")
    if head is None:
        return None  # a chain nothing was ever written to (an access chain nobody used)
    if head[0]:
        return Breach(chain, None, None, f"all {head[0]} events of the chain are missing")
    if chain.startswith("instance:"):
        return Breach(chain, None, None, "the instance has no audit trail at all")
    return None


def stream_events(session: Session, chain: str | None = None) -> Iterator[Any]:
    """Yield events in (chain, seq) order, fetched in batches (a server-side cursor on PostgreSQL)."""
    query = select(*_EVENT_COLUMNS).order_by(EVENT.c.chain, EVENT.c.seq)
    if chain is not None:
        query = query.where(EVENT.c.chain == chain)
    result = session.connection().execute(query, execution_options={"yield_per": BATCH})
    for partition in result.partitions():
        yield from partition


def _close_chain(current: ChainCheck, heads: dict[str, tuple[int, str]],
                 progress: Callable[[int, int], None] | None, chains: int, events: int) -> Iterator[Breach]:
    """Finish a streamed chain, yield its problem if any, then report progress."""
    found = current.finish(heads.get(current.chain))
    if found:
        yield found
    if progress:
        progress(chains, events)


def chain_breaches(session: Session, heads: dict[str, tuple[int, str]], marks: dict[str, Mark],
                 progress: Callable[[int, int], None] | None = None) -> Iterator[Breach]:
    """Check every chain that has events, streamed; then name the chains whose events are all gone."""
    seen: set[str] = set()
    current: ChainCheck | None = None
    events = 0
    for row in stream_events(session):
        if current is None or row.chain != current.chain:
            if current is not None:
                yield from _close_chain(current, heads, progress, len(seen), events)
            current = ChainCheck(row.chain, marks.get(row.chain))
            seen.add(row.chain)
        current.feed(row)
        events += 1
    if current is not None:
        yield from _close_chain(current, heads, progress, len(seen), events)
    for chain in sorted((set(heads) | set(marks)) - seen):
        found = empty_chain_problem(chain, heads.get(chain), marks.get(chain))
        if found:
            yield found


def stream(session: Session, query: Any, size: int) -> Iterator[Any]:
    """Yield the rows of a query fetched `size` at a time."""
    result = session.connection().execute(query, execution_options={"yield_per": size})
    for partition in result.partitions():
        yield from partition


def instance_breaches(session: Session, instance_id: int | None = None) -> Iterator[Breach]:
    """Check instance rows against their seals: chain head and state (streamed)."""
    query = select(Instance.id, Instance.audit_seq, Instance.audit_hash, Instance.state_hash, Instance.seal,
                   Instance.state).order_by(Instance.id)
    if instance_id is not None:
        query = query.where(Instance.id == instance_id)
    for row in stream(session, query, TEXT_BATCH):
        problem = seals.instance_problem(row.id, row.audit_seq, row.audit_hash, row.state_hash, row.seal, row.state)
        if problem:
            yield Breach(chain_of(row.id), None, None, problem, part="state")


def task_breaches(session: Session, instance_id: int | None = None) -> Iterator[Breach]:
    """Check human task rows (with their candidates) against their seals, streamed in task order."""
    task = table_of(HumanTask)
    candidate = table_of(TaskCandidate)
    query = (select(task, candidate.c.kind, candidate.c.value)
             .outerjoin(candidate, candidate.c.human_task_id == task.c.id).order_by(task.c.id, candidate.c.id))
    if instance_id is not None:
        query = query.where(task.c.instance_id == instance_id)
    row: Any = None
    pairs: list[tuple[str, str]] = []
    for line in stream(session, query, BATCH):
        if row is not None and line.id != row.id:
            yield from _task_breach(row, pairs)
            pairs = []
        row = line
        if line.kind is not None:
            pairs.append((line.kind, line.value))
    if row is not None:
        yield from _task_breach(row, pairs)


def _task_breach(row: Any, pairs: list[tuple[str, str]]) -> Iterator[Breach]:
    problem = seals.task_problem(row, pairs)
    if problem:
        yield Breach(chain_of(row.instance_id), None, None, f"task {row.id} ({row.bpmn_id}): {problem}", part="task")


def spec_breaches(session: Session, version_id: int | None = None) -> Iterator[Breach]:
    """Check every deployed version (executable spec, XML files, row) against its seal, streamed."""
    query = select(SpecVersion.id, SpecVersion.process_id, SpecVersion.version, SpecVersion.sha256,
                   SpecVersion.spec_json, SpecVersion.files, SpecVersion.seal).order_by(SpecVersion.id)
    if version_id is not None:
        query = query.where(SpecVersion.id == version_id)
    for row in stream(session, query, TEXT_BATCH):
        problem = seals.spec_problem(row.id, row.process_id, row.version, row.sha256, row.spec_json, row.files,
                                     row.seal)
        if problem:
            yield Breach(spec_unit(row.id), None, None, f"process {row.process_id} version {row.version}: {problem}",
                         part="definition")


def spec_unit(version_id: int) -> str:
    """Return the name a deployed version's check goes by (next to the chains)."""
    return f"spec_version:{version_id}"


def head_breaches(session: Session, heads: dict[str, tuple[int, str]]) -> Iterator[Breach]:
    """Read the heads of the chains outside instances into heads, checking their seals."""
    for row in session.execute(select(AuditChainHead.chain, AuditChainHead.seq, AuditChainHead.hash,
                                      AuditChainHead.seal)):
        heads[row.chain] = (row.seq, row.hash)
        problem = seals.head_problem(row.chain, row.seq, row.hash, row.seal)
        if problem:
            yield Breach(row.chain, None, None, problem)
