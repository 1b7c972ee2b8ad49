"""A retry time cycle retries a failed step automatically, then leaves the incident to an administrator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.clock import clock
from engine.runtime.events import timers
from engine.runtime.lifecycle import instances

T0 = datetime(2027, 1, 2, 8, 0, tzinfo=UTC)


def _pass(session, now):
    """One worker pass as of now, one transaction per instance as `kinerja worker` does."""
    clock.set(now)
    fired = [i for i in timers.due_instance_ids(session, now) if timers.fire_due(session, i, now)]
    session.commit()
    return fired


def test_failed_step_is_retried_at_the_interval_then_left_as_incident(deploy, start, reload, events, session):
    clock.set(T0)
    deploy("camunda7/mappings_retry_cycle.bpmn")
    instance = start("mappings_retry_cycle", {"jumlah": 10, "pembagi": 0})
    failed = reload(instance.id)
    assert failed.status == "error" and "division by zero" in failed.error["message"]
    assert failed.error["auto_retry"] == {"attempt": 2, "of": 3, "due": (T0 + timedelta(minutes=5)).isoformat()}
    assert failed.next_timer_at.replace(tzinfo=UTC) == T0 + timedelta(minutes=5)

    assert _pass(session, T0 + timedelta(minutes=4)) == []  # not due yet
    assert _pass(session, T0 + timedelta(minutes=5, seconds=1)) == [instance.id]
    second = reload(instance.id)
    assert second.status == "error" and second.error["auto_retry"]["attempt"] == 3
    assert _pass(session, T0 + timedelta(minutes=10, seconds=2)) == [instance.id]
    last = reload(instance.id)
    # Three attempts in all, as in Camunda: the incident now waits for an administrator.
    assert last.status == "error" and "auto_retry" not in last.error and last.error["attempt"] == 3
    assert last.next_timer_at is None
    assert _pass(session, T0 + timedelta(days=1)) == []
    retried = [data for kind, data in events(instance.id) if kind == "instance_retried"]
    assert [data["attempt"] for data in retried] == [2, 3]
    assert [kind for kind, _ in events(instance.id)].count("instance_failed") == 3

    instances.retry(session, instance.id, "admin", {"pembagi": 2})
    session.commit()
    assert reload(instance.id).status == "running"


def test_step_that_succeeds_needs_no_retry(deploy, start, reload):
    clock.set(T0)
    deploy("camunda7/mappings_retry_cycle.bpmn")
    instance = start("mappings_retry_cycle", {"jumlah": 10, "pembagi": 5})
    done = reload(instance.id)
    assert done.status == "running" and done.error is None and done.next_timer_at is None
