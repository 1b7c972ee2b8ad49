"""Event sub-processes as in Camunda 7: they listen while their scope runs, interrupt it or run beside it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine.clock import clock
from engine.models import MessageSubscription
from engine.runtime.events import messages
from engine.runtime.lifecycle import instances
from tests.conftest import worker_pass as _pass
from tests.engine.conftest import final_data as _final

T0 = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


def _subscriptions(session, instance_id):
    session.expire_all()
    return sorted(s.message_name for s in session.execute(select(MessageSubscription).where(
        MessageSubscription.instance_id == instance_id)).scalars())


def test_interrupting_timer_cancels_the_flow_and_a_non_interrupting_cycle_runs_beside_it(
        deploy, start, open_tasks, complete, reload, events, session):
    clock.set(T0)
    deploy("camunda7/events_esp_timer.bpmn")
    instance = start("events_esp_timer")
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["Task_kerja"]
    assert reload(instance.id).next_timer_at.replace(tzinfo=UTC) == T0 + timedelta(days=1)

    assert _pass(session, T0 + timedelta(days=1, minutes=1)) == [instance.id]
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["Task_kerja"]  # the reminder does not interrupt
    assert _pass(session, T0 + timedelta(days=5, minutes=1)) == [instance.id]
    [escalation] = open_tasks(instance.id)
    assert escalation.bpmn_id == "Task_eskalasi" and escalation.assignee == "budi"
    kinds = [e for e, _ in events(instance.id)]
    assert kinds.count("task_cancelled") == 1  # Task_kerja, by the interrupting sub-process
    complete(escalation, "budi")
    stored = reload(instance.id)
    assert stored.status == "completed" and stored.next_timer_at is None
    assert _final(events, instance.id)["catatan_pengingat"] == "diingatkan"


def test_the_process_ends_when_its_flow_ends_and_its_listeners_are_dropped(
        deploy, start, open_tasks, complete, reload, session):
    clock.set(T0)
    deploy("camunda7/events_esp_timer.bpmn")
    instance = start("events_esp_timer")
    assert _pass(session, T0 + timedelta(days=1, minutes=1)) == [instance.id]  # one reminder of two
    complete(open_tasks(instance.id)[0], "ani")
    stored = reload(instance.id)
    assert stored.status == "completed" and stored.next_timer_at is None
    assert _pass(session, T0 + timedelta(days=6)) == []


def test_message_starts_listen_by_subscription_repeat_when_not_interrupting_and_interrupt_otherwise(
        deploy, start, open_tasks, reload, events, session):
    deploy("camunda7/events_esp_message.bpmn")
    instance = start("events_esp_message", {"jumlah_catatan": 0})
    assert _subscriptions(session, instance.id) == ["batal_pengajuan", "catatan_pengajuan"]
    for text in ("lengkapi lampiran", "perbaiki judul"):
        assert messages.send(session, "catatan_pengajuan", {"isi": text}, "operator") == 1
        session.commit()
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["Task_kerja"]
    assert _subscriptions(session, instance.id) == ["batal_pengajuan", "catatan_pengajuan"]

    assert messages.send(session, "batal_pengajuan", {}, "operator") == 1
    session.commit()
    assert open_tasks(instance.id) == []
    assert reload(instance.id).status == "completed"
    assert _subscriptions(session, instance.id) == []
    data = _final(events, instance.id)
    assert data["jumlah_catatan"] == 2  # each note saw the count the previous one left
    assert data["catatan"] == {"isi": "perbaiki judul"}
    assert data["dibatalkan"] is True


def test_escalation_runs_beside_the_flow_and_an_error_interrupts_everything(
        deploy, start, open_tasks, complete, reload, events):
    deploy("camunda7/events_esp_error_escalation.bpmn")
    instance = start("events_esp_error_escalation")
    assert sorted(t.bpmn_id for t in open_tasks(instance.id)) == ["Task_baca_laporan", "Task_kerja"]
    [work] = [t for t in open_tasks(instance.id) if t.bpmn_id == "Task_kerja"]
    complete(work, "ani", {"berhasil": False})
    assert open_tasks(instance.id) == []  # the report was cancelled with the rest of the process
    assert reload(instance.id).status == "completed"
    assert _final(events, instance.id)["ditangani"] is True
    assert "message_undelivered" not in [e for e, _ in events(instance.id)]


def test_a_running_non_interrupting_sub_process_keeps_the_process_open(
        deploy, start, open_tasks, complete, reload, events):
    deploy("camunda7/events_esp_error_escalation.bpmn")
    instance = start("events_esp_error_escalation", {"berhasil": False})
    [work] = [t for t in open_tasks(instance.id) if t.bpmn_id == "Task_kerja"]
    complete(work, "ani", {"berhasil": True})
    assert reload(instance.id).status == "running"
    [report] = open_tasks(instance.id)
    assert report.bpmn_id == "Task_baca_laporan"
    complete(report, "budi")
    assert reload(instance.id).status == "completed"
    data = _final(events, instance.id)
    assert "ditangani" not in data
    assert data["berhasil"] is True  # the report's older copy does not undo what the flow set after it


def test_an_event_sub_process_in_an_embedded_sub_process_interrupts_only_that_scope(
        deploy, start, open_tasks, complete, reload, events, session):
    clock.set(T0)
    deploy("camunda7/events_esp_nested.bpmn")
    instance = start("events_esp_nested", {"jumlah_komentar": 0})
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["Task_isi"]
    assert messages.send(session, "komentar_tahap", {}, "operator") == 1
    session.commit()
    assert _pass(session, T0 + timedelta(days=3, minutes=1)) == [instance.id]
    [review] = open_tasks(instance.id)
    assert review.bpmn_id == "Task_tinjau"  # the scope ended; the process goes on
    assert _subscriptions(session, instance.id) == []  # the scope's listeners ended with it
    complete(review, "budi")
    data = _final(events, instance.id)
    assert data["kedaluwarsa"] is True and data["jumlah_komentar"] == 1


def test_the_embedded_scope_ends_without_its_timer_when_its_flow_is_done(
        deploy, start, open_tasks, complete, reload, session):
    clock.set(T0)
    deploy("camunda7/events_esp_nested.bpmn")
    instance = start("events_esp_nested", {"jumlah_komentar": 0})
    assert _subscriptions(session, instance.id) == ["komentar_tahap"]
    complete(open_tasks(instance.id)[0], "ani")
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["Task_tinjau"]
    assert reload(instance.id).next_timer_at is None
    assert _subscriptions(session, instance.id) == []


def test_an_error_is_caught_by_the_nearest_event_sub_process_only(deploy, start, open_tasks, reload, session):
    deploy("camunda7/events_esp_error_scopes/events_esp_scopes_main.bpmn",
           "camunda7/events_esp_error_scopes/events_esp_scopes_called.bpmn")
    instance = start("events_esp_scopes_main")
    # The embedded sub-process and the called process each handled their own error and ended normally;
    # the process-level event sub-process for the same error never fired.
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["Task_akhir"]
    assert reload(instance.id).status == "running"
    data = instances.variables(instances.load(session, instance.id))
    assert data["ditangani_tahap"] is True and data["ditangani_dipanggil"] is True
    assert "ditangani_proses" not in data


def test_a_correlated_message_start_reaches_only_its_instance_even_when_the_key_is_set_later(
        deploy, start, open_tasks, complete, events, session):
    deploy("camunda7/events_esp_correlated.bpmn")
    first = start("events_esp_correlated", {"calon_nip": "198001012005011001"}, key="a")
    second = start("events_esp_correlated", {"calon_nip": "198202022006022002"}, key="b")
    # The correlation variable (nip) is set by a script after the process began.
    assert messages.send(session, "koreksi_data", {"nip": "198202022006022002", "alamat": "Jl. Pahlawan"},
                         "operator") == 1
    session.commit()
    for instance in (first, second):
        complete(open_tasks(instance.id)[0], "ani")
    assert "koreksi" not in _final(events, first.id)
    assert _final(events, second.id)["koreksi"] == {"nip": "198202022006022002", "alamat": "Jl. Pahlawan"}
