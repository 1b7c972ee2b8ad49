"""Timers moved by the engine clock: boundary reminders and deadlines, intermediate waits, the worker pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.clock import clock
from tests.conftest import worker_pass as _pass

T0 = datetime(2027, 1, 2, 8, 0, tzinfo=UTC)
DEADLINE = "2027-01-31T23:59:59+08:00"


def test_non_interrupting_reminder_then_interrupting_deadline(deploy, start, open_tasks, reload, events, session):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {"employee": "ani", "manager": "budi", "deadline": DEADLINE})
    [submit] = open_tasks(instance.id)
    assert submit.due_at.astimezone(UTC) == datetime(2027, 1, 31, 15, 59, 59, tzinfo=UTC)
    stored = reload(instance.id)
    assert stored.status == "running"
    assert stored.next_timer_at.replace(tzinfo=UTC) == T0 + timedelta(days=7)

    assert _pass(session, T0 + timedelta(days=6)) == []
    assert _pass(session, T0 + timedelta(days=7, seconds=1)) == [instance.id]
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["submit"]  # the reminder does not interrupt
    fired = [d for e, d in events(instance.id) if e == "timer_fired"]
    assert [f["bpmn_id"] for f in fired] == ["remind"]
    assert _pass(session, T0 + timedelta(days=8)) == []  # nothing fires twice

    assert _pass(session, datetime(2027, 2, 1, tzinfo=UTC)) == [instance.id]
    [escalated] = open_tasks(instance.id)
    assert escalated.bpmn_id == "escalated"
    assert [c.value for c in escalated.candidates] == ["pengelola_kinerja"]
    assert [e for e, _ in events(instance.id)].count("task_cancelled") == 1


def test_completing_the_task_cancels_its_timers_and_an_intermediate_timer_waits(
        deploy, start, open_tasks, complete, reload, session):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {"employee": "ani", "manager": "budi", "deadline": DEADLINE})
    [submit] = open_tasks(instance.id)
    complete(submit, "ani")
    waiting = reload(instance.id)
    assert waiting.status == "waiting" and open_tasks(instance.id) == []
    assert waiting.next_timer_at.replace(tzinfo=UTC) == T0 + timedelta(days=14)
    assert _pass(session, T0 + timedelta(days=13)) == []
    assert _pass(session, T0 + timedelta(days=14, minutes=1)) == [instance.id]
    [review] = open_tasks(instance.id)
    assert review.bpmn_id == "review" and review.assignee == "budi"
    assert reload(instance.id).next_timer_at is None


def test_suspended_instances_are_not_picked(deploy, start, session):
    from engine.runtime.lifecycle import instances
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {"employee": "ani", "manager": "budi", "deadline": DEADLINE})
    instances.suspend(session, instance.id, "op", "hold")
    session.commit()
    assert _pass(session, T0 + timedelta(days=30)) == []


def test_a_deadline_already_past_fires_at_once_and_is_audited(deploy, start, open_tasks, events):
    clock.set(datetime(2027, 2, 5, tzinfo=UTC))
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {"employee": "ani", "manager": "budi", "deadline": DEADLINE})
    [escalated] = open_tasks(instance.id)
    assert escalated.bpmn_id == "escalated"
    fired = [d for e, d in events(instance.id) if e == "timer_fired"]
    assert [f["bpmn_id"] for f in fired] == ["expire"]


def test_a_pass_at_exactly_the_due_time_leaves_it_for_the_next(deploy, start, session):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {"employee": "ani", "manager": "budi", "deadline": DEADLINE})
    assert _pass(session, T0 + timedelta(days=7)) == []
    assert _pass(session, T0 + timedelta(days=7, microseconds=1)) == [instance.id]
