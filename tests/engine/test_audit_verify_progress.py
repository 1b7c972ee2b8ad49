"""Checking one instance's chains, and a whole-database check done chain by chain with its progress."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine import audit
from engine.models import AuditCheck, AuditEvent


@pytest.fixture
def trail(deploy, start, open_tasks, complete, session):
    deploy("processes/review.bpmn")
    one = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"}, key="one")
    two = start("review", {"employee": "citra", "manager": "budi", "unit_group": "x_penilai"}, key="two")
    complete(open_tasks(one.id)[0], "ani", {"target": 10})
    audit.record(session, "record_viewed", "inspektorat", instance_id=one.id, data={"dilihat": "halaman"},
                 chain=audit.access_chain_of(one.id))
    session.commit()
    return one, two


def _tamper(session, chain: str) -> int:
    target = session.execute(select(AuditEvent.id).where(AuditEvent.chain == chain)
                             .order_by(AuditEvent.seq)).scalars().first()
    session.execute(update(AuditEvent).where(AuditEvent.id == target).values(actor="someone-else"))
    session.commit()
    return target


def test_an_intact_instance_has_both_chains_intact(trail, session):
    one, _ = trail
    assert audit.verify_instance(session, one.id) == {f"instance:{one.id}": None, f"access:{one.id}": None}


def test_an_edited_look_breaks_the_access_chain_only(trail, session):
    one, two = trail
    target = _tamper(session, audit.access_chain_of(one.id))
    result = audit.verify_instance(session, one.id)
    assert result[audit.chain_of(one.id)] is None
    breach = result[audit.access_chain_of(one.id)]
    assert breach is not None and breach.event_id == target and "edited" in breach.message
    assert audit.verify_instance(session, two.id)[audit.chain_of(two.id)] is None


def test_removed_events_of_a_chain_are_named(trail, session):
    one, _ = trail
    session.execute(AuditEvent.__table__.delete().where(AuditEvent.chain == audit.chain_of(one.id)))
    session.commit()
    breach = audit.verify_chain(session, audit.chain_of(one.id))
    assert breach is not None and "missing" in breach.message


def test_a_full_check_goes_chain_by_chain_and_records_the_breaches(trail, session):
    one, _ = trail
    target = _tamper(session, audit.chain_of(one.id))
    check, chains = audit.start_check(session, "inspektorat")
    session.commit()
    assert audit.access_chain_of(one.id) in chains and audit.chain_of(one.id) in chains
    assert (check.status, check.chains_total, check.chains_done) == ("running", len(chains), 0)
    audit.check_chains(session, check, chains[:1])
    session.commit()
    assert session.get(AuditCheck, check.id).chains_done == 1
    audit.check_chains(session, check, chains[1:])
    audit.finish_check(session, check)
    session.commit()
    stored = session.get(AuditCheck, check.id)
    assert stored.status == "done" and stored.chains_done == len(chains) and stored.finished_at is not None
    assert [(b["chain"], b["event_id"]) for b in stored.breaches] == [(audit.chain_of(one.id), target)]
    # the same answer as the command's check
    assert [(b.chain, b.event_id) for b in audit.verify(session)] == [(audit.chain_of(one.id), target)]
