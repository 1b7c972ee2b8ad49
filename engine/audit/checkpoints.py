"""Signed checkpoints: every chain's head at a moment, kept by an auditor outside the system.

`audit verify --checkpoint FILE` then proves that nothing recorded before the checkpoint was rewritten,
cut or deleted with its instance, even by someone who could recompute the heads kept in the database.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.errors import KinerjaError
from engine.models import AuditChainHead, Instance

from . import keys
from .chain import canonical, chain_of, record
from .scans import Mark
from .seals import sha256_text

FORMAT = "kinerja-audit-checkpoint/1"


class CheckpointInvalid(KinerjaError):
    """A checkpoint file is unreadable, not a checkpoint, or its signature does not match."""

    code = "checkpoint_invalid"


def make(session: Session, actor: str) -> dict[str, Any]:
    """Return a signed statement of every chain's head, and record that one was made in the global chain."""
    heads: dict[str, list[Any]] = {}
    for chain, seq, digest in session.execute(select(AuditChainHead.chain, AuditChainHead.seq, AuditChainHead.hash)):
        heads[chain] = [seq, digest]
    for instance_id, seq, digest in session.execute(select(Instance.id, Instance.audit_seq, Instance.audit_hash)):
        if seq:
            heads[chain_of(instance_id)] = [seq, digest]
    statement: dict[str, Any] = {"format": FORMAT, "made_at": clock.now().isoformat(), "heads": heads}
    statement["signature"] = keys.mac(canonical(statement))
    record(session, "audit_checkpoint", actor, data={
        "chains": len(heads), "made_at": statement["made_at"], "sha256": sha256_text(canonical(statement))})
    return statement


def marks(text: str) -> dict[str, Mark]:
    """Return the heads a checkpoint file records, after checking its signature."""
    try:
        statement = json.loads(text)
        signature = statement.pop("signature")
        if statement.get("format") != FORMAT:
            raise ValueError("not a Kinerja audit checkpoint")
        heads = statement["heads"]
        made_at = str(statement["made_at"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointInvalid(f"the checkpoint cannot be read: {exc}") from exc
    if not keys.check(canonical(statement), signature):
        raise CheckpointInvalid("the checkpoint's signature does not match: the file was edited or is not "
                                "signed with a key of this key ring")
    return {chain: Mark(int(seq), str(digest), made_at) for chain, (seq, digest) in heads.items()}
