"""Whole-trail checks: the `audit verify` command's, one instance's, and the web page's chain by chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.models import AuditChainHead, AuditCheck, AuditEvent, Instance, SpecVersion

from . import seals
from .chain import access_chain_of, chain_of
from .scans import (
    Breach,
    ChainCheck,
    Mark,
    chain_breaches,
    empty_chain_problem,
    head_breaches,
    instance_breaches,
    spec_breaches,
    spec_unit,
    stream_events,
    task_breaches,
)


def verify(session: Session, marks: dict[str, Mark] | None = None,
           progress: Callable[[int, int], None] | None = None) -> list[Breach]:
    """Check every chain, instance state, task row and definition; return the first breach of each.

    Events are streamed chain by chain, so memory does not grow with the trail; marks are the heads a
    checkpoint recorded (deleted chains are named against them); progress(chains, events) is called
    after each chain.
    """
    heads: dict[str, tuple[int, str]] = {}
    head_seals = list(head_breaches(session, heads))
    for instance_id, seq, digest in session.execute(select(Instance.id, Instance.audit_seq, Instance.audit_hash)):
        heads[chain_of(instance_id)] = (seq, digest)
    found: dict[str, Breach] = {}
    _first_of_each(found, chain_breaches(session, heads, marks or {}, progress))
    _first_of_each(found, head_seals)
    _first_of_each(found, instance_breaches(session))
    _first_of_each(found, task_breaches(session))
    _first_of_each(found, spec_breaches(session))
    return [found[name] for name in sorted(found)]


def _first_of_each(found: dict[str, Breach], breaches: Iterable[Breach]) -> None:
    for breach in breaches:
        found.setdefault(breach.chain, breach)


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
    """Check one chain (or definition) as `verify` does; return its first breach, or None when it is intact."""
    if chain.startswith("spec_version:"):
        return next(spec_breaches(session, int(chain.split(":", 1)[1])), None)
    check = ChainCheck(chain)
    for row in stream_events(session, chain):
        check.feed(row)
    head = chain_head(session, chain)
    breach = check.finish(head) if check.last is not None else empty_chain_problem(chain, head, None)
    if breach is not None:
        return breach
    if chain.startswith("instance:"):
        instance_id = int(chain.split(":", 1)[1])
        return next(instance_breaches(session, instance_id), None) or next(task_breaches(session, instance_id), None)
    row = session.execute(select(AuditChainHead.seq, AuditChainHead.hash, AuditChainHead.seal)
                          .where(AuditChainHead.chain == chain)).first()
    problem = row is not None and seals.head_problem(chain, row.seq, row.hash, row.seal)
    return Breach(chain, None, None, problem) if problem else None


def verify_instance(session: Session, instance_id: int) -> dict[str, Breach | None]:
    """Check an instance's own chain and its access chain; return each chain's first breach or None."""
    return {chain: verify_chain(session, chain) for chain in (chain_of(instance_id), access_chain_of(instance_id))}


def all_chains(session: Session) -> list[str]:
    """Return every chain that has events or a recorded head, and every definition, sorted: the units of a check."""
    names = set(session.execute(select(AuditEvent.chain).distinct()).scalars())
    names.update(session.execute(select(AuditChainHead.chain)).scalars())
    names.update(chain_of(i) for i in session.execute(select(Instance.id)).scalars())
    names.update(spec_unit(i) for i in session.execute(select(SpecVersion.id)).scalars())
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
