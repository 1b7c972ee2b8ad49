"""Sealing what was stored before the trail was keyed: run once, by `kinerja audit seal`, after the upgrade.

Events written before keep their plain SHA-256 hashes (key id "sha256"); sealing their chain heads with
the key anchors them, so a chain recomputed later without the key no longer matches its head's seal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from engine.errors import KinerjaError
from engine.models import AuditChainHead, AuditEvent, HumanTask, Instance, SpecVersion, TaskCandidate

from . import seals
from .chain import GLOBAL_CHAIN, record
from .checks import verify

SEALED_EVENT = "audit_sealed"


class SealRefused(KinerjaError):
    """The trail cannot be sealed: it was sealed already, or it holds breaches other than missing seals."""

    code = "seal_refused"


def _unsealed(message: str) -> bool:
    return "not sealed" in message


def seal_unsealed(session: Session, actor: str) -> dict[str, int]:
    """Seal every row that has no seal yet, once, after checking the unkeyed trail is intact; return counts."""
    if session.execute(select(exists().where(AuditEvent.chain == GLOBAL_CHAIN,
                                             AuditEvent.event_type == SEALED_EVENT))).scalar():
        raise SealRefused("the trail was sealed already; rows without a seal now were edited, "
                          "see `kinerja audit verify`")
    broken = [b for b in verify(session) if not _unsealed(b.message)]
    if broken:
        raise SealRefused(f"the trail holds {len(broken)} breach(es); it is not sealed over them: "
                          + "; ".join(str(b) for b in broken[:5]), breaches=[str(b) for b in broken])
    counts = {"instances": 0, "chain_heads": 0, "definitions": 0, "tasks": 0}
    for row in _rows(session, select(Instance.id, Instance.audit_seq, Instance.audit_hash, Instance.state)
                        .where(Instance.seal.is_(None))):
        state_hash = seals.sha256_text(row.state)
        session.execute(update(Instance).where(Instance.id == row.id).values(
            state_hash=state_hash, seal=seals.seal_instance(row.id, row.audit_seq, row.audit_hash, state_hash),
            version=Instance.version + 1).execution_options(synchronize_session=False))
        counts["instances"] += 1
    for row in _rows(session, select(AuditChainHead.chain, AuditChainHead.seq, AuditChainHead.hash)
                     .where(AuditChainHead.seal.is_(None))):
        session.execute(update(AuditChainHead).where(AuditChainHead.chain == row.chain).values(
            seal=seals.seal_head(row.chain, row.seq, row.hash)))
        counts["chain_heads"] += 1
    for row in _rows(session, select(SpecVersion.id, SpecVersion.process_id, SpecVersion.version,
                                        SpecVersion.sha256, SpecVersion.spec_json, SpecVersion.files)
                        .where(SpecVersion.seal.is_(None))):
        if seals.spec_digest(row.spec_json, row.files) != row.sha256:
            raise SealRefused(f"process {row.process_id} version {row.version}: its stored definition does not "
                              "match its content hash; it is not sealed", spec_version_id=row.id)
        session.execute(update(SpecVersion).where(SpecVersion.id == row.id).values(seal=seals.seal_spec(
            row.id, row.process_id, row.version, row.sha256, row.spec_json, row.files)))
        counts["definitions"] += 1
    for row in _rows(session, select(HumanTask.__table__).where(HumanTask.seal.is_(None))):
        pairs = [(kind, value) for kind, value in session.execute(
            select(TaskCandidate.kind, TaskCandidate.value).where(TaskCandidate.human_task_id == row.id))]
        session.execute(update(HumanTask).where(HumanTask.id == row.id).values(seal=seals.seal_task(row, pairs)))
        counts["tasks"] += 1
    record(session, SEALED_EVENT, actor, data=counts)
    session.flush()
    return counts


def _rows(session: Session, query: Any) -> list[Any]:
    """Return every row of a query at once: updates follow, and this runs once per database."""
    return list(session.execute(query).all())
