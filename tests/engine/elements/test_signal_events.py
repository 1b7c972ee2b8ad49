"""Signals as in Camunda 7: one thrown signal reaches every instance waiting for it and starts its processes."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Instance, MessageSubscription
from tests.engine.conftest import final_data as _final

SIGNAL_FILES = [f"camunda7/events_signal/events_signal_{name}.bpmn" for name in ("sender", "receiver", "started")]


def test_a_signal_reaches_every_waiting_instance_and_starts_its_processes(
        deploy, start, open_tasks, complete, reload, events, session):
    deploy(*SIGNAL_FILES)
    receivers = [start("events_signal_receiver", {"jumlah_pengumuman": 0}, key=f"r{n}") for n in (1, 2)]
    session.expire_all()
    names = session.execute(select(MessageSubscription.message_name).where(
        MessageSubscription.instance_id == receivers[0].id)).scalars().all()
    assert sorted(names) == ["signal:jadwal_diumumkan", "signal:jadwal_diumumkan"]  # catch and sub-process
    sender = start("events_signal_sender", key="s1")
    assert all(open_tasks(r.id) == [] for r in receivers)  # nothing before the signal

    complete(open_tasks(sender.id)[0], "ani")
    assert reload(sender.id).status == "completed"
    for receiver in receivers:
        [follow] = open_tasks(receiver.id)
        assert follow.bpmn_id == "Task_lanjut"
        complete(follow, "budi")
        assert _final(events, receiver.id)["jumlah_pengumuman"] == 1
    session.expire_all()
    started = session.execute(select(Instance).where(Instance.business_key != "s1",
                                                     Instance.id.not_in([r.id for r in receivers]))).scalars().all()
    assert len(started) == 1
    assert [t.bpmn_id for t in open_tasks(started[0].id)] == ["Task_siapkan_ruang"]


def test_a_signal_nobody_waits_for_is_recorded(deploy, start, open_tasks, complete, events):
    deploy("camunda7/events_signal/events_signal_sender.bpmn")
    sender = start("events_signal_sender", key="s1")
    complete(open_tasks(sender.id)[0], "ani")
    undelivered = [d for e, d in events(sender.id) if e == "message_undelivered"]
    assert [d["message"] for d in undelivered] == ["jadwal_diumumkan"]
