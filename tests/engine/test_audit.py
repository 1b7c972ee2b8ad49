"""The audit trail: verify on an intact chain, and on rows edited, deleted or reordered in the database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select, update

from engine import audit
from engine.models import AuditChainHead, AuditEvent, Instance


@pytest.fixture
def trail(deploy, start, open_tasks, complete):
    deploy("processes/review.bpmn")
    one = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"}, key="one")
    two = start("review", {"employee": "citra", "manager": "budi", "unit_group": "x_penilai"}, key="two")
    complete(open_tasks(one.id)[0], "ani", {"target": 10})
    return one, two


def _ids(session, instance_id):
    return list(session.execute(select(AuditEvent.id).where(AuditEvent.chain == f"instance:{instance_id}")
                                .order_by(AuditEvent.seq)).scalars())


def test_intact_chain_verifies(trail, session):
    assert audit.verify(session) == []


def test_edited_event_is_named(trail, session):
    one, _ = trail
    target = _ids(session, one.id)[1]
    session.execute(update(AuditEvent).where(AuditEvent.id == target).values(actor="someone-else"))
    session.commit()
    [breach] = audit.verify(session)
    assert breach.event_id == target and "edited" in breach.message


def test_edited_payload_is_detected(trail, session):
    one, _ = trail
    target = _ids(session, one.id)[-1]
    row = session.get(AuditEvent, target)
    data = json.loads(row.data)
    data["submitted"] = {"target": 99}
    session.execute(update(AuditEvent).where(AuditEvent.id == target).values(data=audit.canonical(data)))
    session.commit()
    [breach] = audit.verify(session)
    assert breach.event_id == target


def test_deleted_middle_event_is_detected(trail, session):
    one, _ = trail
    ids = _ids(session, one.id)
    session.execute(delete(AuditEvent).where(AuditEvent.id == ids[2]))
    session.commit()
    [breach] = audit.verify(session)
    assert breach.event_id == ids[3] and "removed" in breach.message


def test_deleted_last_event_is_detected_by_the_head(trail, session):
    one, _ = trail
    ids = _ids(session, one.id)
    session.execute(delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    session.commit()
    [breach] = audit.verify(session)
    assert "removed" in breach.message and breach.event_id == ids[-2]


def test_reordered_events_are_detected(trail, session):
    one, _ = trail
    a, b = _ids(session, one.id)[1:3]
    session.execute(update(AuditEvent).where(AuditEvent.id == a).values(seq=-1))
    session.execute(update(AuditEvent).where(AuditEvent.id == b).values(seq=2))
    session.execute(update(AuditEvent).where(AuditEvent.id == a).values(seq=3))
    session.commit()
    breaches = audit.verify(session)
    assert len(breaches) == 1 and breaches[0].chain == f"instance:{one.id}"


def test_removing_a_whole_chain_is_detected(trail, session):
    _, two = trail
    session.execute(delete(AuditEvent).where(AuditEvent.chain == f"instance:{two.id}"))
    session.commit()
    [breach] = audit.verify(session)
    assert breach.chain == f"instance:{two.id}" and "missing" in breach.message
    # Resetting the head recorded on the instance row as well does not hide it either.
    session.execute(update(Instance).where(Instance.id == two.id).values(audit_seq=0, audit_hash="0" * 64))
    session.commit()
    [breach] = audit.verify(session)
    assert "no audit trail at all" in breach.message


def test_deployments_chain_is_verified_too(trail, session):
    session.execute(update(AuditChainHead).where(AuditChainHead.chain == "global").values(seq=5))
    session.commit()
    [breach] = audit.verify(session)
    assert breach.chain == "global" and "removed" in breach.message


def test_export_json_and_csv(trail, session):
    one, _ = trail
    exported = json.loads(audit.export(session, one.id, "json"))
    assert [e["seq"] for e in exported] == list(range(1, len(exported) + 1))
    assert exported[0]["event_type"] == "instance_started"
    assert exported[1]["prev_hash"] == exported[0]["hash"]
    csv_text = audit.export(session, one.id, "csv")
    assert csv_text.splitlines()[0].startswith("id,chain,seq,event_type")
    assert len(csv_text.strip().splitlines()) == len(exported) + 1


def test_looks_at_records_have_their_own_chain_and_leave_the_instance_untouched(trail, session):
    one, _ = trail
    before = session.execute(select(Instance.version, Instance.audit_seq).where(Instance.id == one.id)).one()
    audit.record(session, "record_viewed", "auditor", instance_id=one.id, data={"what": "page"},
                 chain=audit.access_chain_of(one.id))
    audit.record(session, "record_viewed", "auditor", instance_id=one.id, data={"what": "diagram"},
                 chain=audit.access_chain_of(one.id))
    session.commit()
    # A look never bumps the instance's version: a submission in flight does not fail as a conflict.
    assert session.execute(select(Instance.version, Instance.audit_seq).where(Instance.id == one.id)).one() == before
    looks = audit.access_events_of(session, one.id)
    assert [json.loads(e.data)["what"] for e in looks] == ["page", "diagram"]
    assert all(e.instance_id == one.id for e in looks)
    assert audit.verify(session) == []
    session.execute(delete(AuditEvent).where(AuditEvent.id == looks[-1].id))
    session.commit()
    [breach] = audit.verify(session)
    assert breach.chain == audit.access_chain_of(one.id)
