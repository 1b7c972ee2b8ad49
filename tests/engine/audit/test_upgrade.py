"""A trail written before keying: its rows are named unsealed, and `audit seal` anchors them once."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine import audit
from engine.audit import upgrade
from engine.audit.chain import body
from engine.models import AuditChainHead, AuditEvent, HumanTask, Instance, SpecVersion

from .helpers import plain_sha256


def _as_before_the_upgrade(session) -> None:
    """Rewrite the trail as the unkeyed version wrote it: plain SHA-256 chains and no seals."""
    heads: dict[str, str] = {}
    prev_of: dict[str, str] = {}
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq)).scalars():
        prev = prev_of.get(event.chain, audit.GENESIS)
        event.key_id, event.state_hash, event.prev_hash = "sha256", None, prev
        event.hash = plain_sha256(prev + body(event.chain, event.seq, event.event_type, event.actor,
                                              event.occurred_at, event.instance_id, event.human_task_id,
                                              event.data, None))
        prev_of[event.chain] = heads[event.chain] = event.hash
    session.flush()
    for chain, digest in heads.items():
        if chain.startswith("instance:"):
            session.execute(update(Instance).where(Instance.id == int(chain.split(":")[1])).values(
                audit_hash=digest, state_hash=None, seal=None))
        else:
            session.execute(update(AuditChainHead).where(AuditChainHead.chain == chain).values(hash=digest, seal=None))
    for model in (SpecVersion, HumanTask):
        session.execute(update(model).values(seal=None))
    session.commit()


@pytest.fixture
def legacy(deploy, start, open_tasks, session):
    deploy("processes/counter.bpmn")
    instance = start("counter", {"employee": "ani"}, key="one")
    _as_before_the_upgrade(session)
    return instance, open_tasks(instance.id)[0]


def test_unsealed_rows_are_named_and_do_not_run(legacy, complete, session):
    instance, task = legacy
    version_id = session.execute(select(SpecVersion.id)).scalar_one()
    breaches = {b.chain: b.message for b in audit.verify(session)}
    assert set(breaches) == {"global", f"instance:{instance.id}", f"spec_version:{version_id}"}
    assert all("not sealed" in message for message in breaches.values())
    with pytest.raises(audit.Tampered, match="not sealed"):
        complete(task, "ani", {"score": 5})


def test_sealing_once_anchors_the_old_events_and_new_ones_are_keyed(legacy, complete, session):
    instance, task = legacy
    counts = upgrade.seal_unsealed(session, "operator")
    session.commit()
    assert counts == {"instances": 1, "chain_heads": 1, "definitions": 1, "tasks": 1}
    assert audit.verify(session) == []
    complete(task, "ani", {"score": 5})
    assert audit.verify(session) == []
    used = list(session.execute(select(AuditEvent.key_id).where(AuditEvent.chain == f"instance:{instance.id}")
                                .order_by(AuditEvent.seq)).scalars())
    assert used[0] == "sha256" and used[-1] != "sha256"
    with pytest.raises(upgrade.SealRefused, match="sealed already"):
        upgrade.seal_unsealed(session, "operator")


def test_a_broken_old_trail_is_not_sealed_over(legacy, session):
    instance, _ = legacy
    first = session.execute(select(AuditEvent).where(AuditEvent.chain == f"instance:{instance.id}")
                            .order_by(AuditEvent.seq)).scalars().first()
    first.actor = "mallory"
    session.commit()
    with pytest.raises(upgrade.SealRefused, match=f"instance:{instance.id}: event {first.id}"):
        upgrade.seal_unsealed(session, "operator")
    session.rollback()
    assert session.execute(select(Instance.seal).where(Instance.id == instance.id)).scalar() is None
