"""Messages between instances: correlation by a shared value, and message start events."""

from __future__ import annotations


def test_message_reaches_the_correlated_instance_only(deploy, start, open_tasks, reload, events, session):
    deploy("processes/sender.bpmn")
    deploy("processes/receiver.bpmn")
    ani = start("receiver", {"nip": "198503152010011001"}, key="ani")
    budi = start("receiver", {"nip": "199001012015032004"}, key="budi")
    assert reload(ani.id).status == "waiting" and open_tasks(ani.id) == []

    sender = start("sender", {"payload": {"nip": "198503152010011001", "predikat": "Baik"}}, key="cal")
    assert reload(sender.id).status == "completed"
    [ack] = open_tasks(ani.id)
    assert ack.assignee == "198503152010011001"
    assert open_tasks(budi.id) == [] and reload(budi.id).status == "waiting"
    delivered = [d for e, d in events(ani.id) if e == "message_delivered"]
    assert delivered[0]["message"] == "predikat_final" and delivered[0]["from_instance_id"] == sender.id
    from engine.runtime.lifecycle import instances
    assert instances.variables(instances.load(session, ani.id))["final"]["predikat"] == "Baik"


def test_message_start_event_starts_an_instance(deploy, start, open_tasks, session):
    from sqlalchemy import select

    from engine.models import Instance
    deploy("processes/starter.bpmn")
    start("appeal_sender", {"appeal_data": {"business_key": "appeal-ani", "reason": "too low"}}, key="s1")
    started = session.execute(select(Instance).where(Instance.process_id == "appeal_handling")).scalar_one()
    assert started.business_key == "appeal-ani"
    [decide] = open_tasks(started.id)
    assert decide.bpmn_id == "decide"


def test_undelivered_message_is_recorded(deploy, start, events):
    deploy("processes/sender.bpmn")
    sender = start("sender", {"payload": {"nip": "nobody"}}, key="cal")
    assert ("message_undelivered" in [e for e, _ in events(sender.id)])


def test_a_message_sent_from_outside_correlates_on_its_payload(deploy, start, open_tasks, reload, events, session):
    from sqlalchemy import select

    from engine.models import AuditEvent
    from engine.runtime.events import messages
    deploy("processes/receiver.bpmn")
    ani = start("receiver", {"nip": "198503152010011001"}, key="ani")
    budi = start("receiver", {"nip": "199001012015032004"}, key="budi")
    # No property to correlate on, or a value nobody waits for: nobody receives it, and that is audited.
    assert messages.send(session, "predikat_final", {"predikat": "Baik"}, "pengelola") == 0
    assert messages.send(session, "predikat_final", {"nip": "nobody", "predikat": "Baik"}, "pengelola") == 0
    undelivered = session.execute(select(AuditEvent).where(
        AuditEvent.event_type == "message_undelivered")).scalars().all()
    assert len(undelivered) == 2 and {e.actor for e in undelivered} == {"pengelola"}
    assert open_tasks(ani.id) == [] and open_tasks(budi.id) == []

    assert messages.send(session, "predikat_final", {"nip": "199001012015032004", "predikat": "Baik"},
                         "pengelola") == 1
    session.commit()
    assert [t.assignee for t in open_tasks(budi.id)] == ["199001012015032004"]
    assert open_tasks(ani.id) == [] and reload(ani.id).status == "waiting"
    [(_, delivered)] = [e for e in events(budi.id) if e[0] == "message_delivered"]
    assert delivered["from_instance_id"] is None and delivered["payload"]["predikat"] == "Baik"
