"""The timer worker never dies: a failing instance becomes a retry or an incident, and the others still fire."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import psycopg.errors
import pytest
from sqlalchemy.exc import DataError, OperationalError

from engine.clock import clock
from engine.runtime.events import timers
from engine.runtime.events.worker_pass import Backoff, run_pass

T0 = datetime(2027, 1, 2, 8, 0, tzinfo=UTC)
DATA = {"employee": "ani", "manager": "budi", "deadline": "2027-01-31T23:59:59+08:00"}
REMINDER_DUE = T0 + timedelta(days=7, seconds=1)


@pytest.fixture
def due(deploy, start):
    """Start n deadline instances (their reminders fall due together) and return their ids, earliest first."""
    def _due(n: int) -> list[int]:
        clock.set(T0)
        deploy("processes/deadlines.bpmn")
        ids = []
        for i in range(n):
            clock.set(T0 + timedelta(seconds=i))  # a distinct due time each: the first is due earliest
            ids.append(start("deadlines", DATA, key=f"k{i}").id)
        return ids
    return _due


@pytest.fixture
def failing(monkeypatch):
    """Make firing the given instances raise what the test says, as the database or a script would."""
    raising: dict[int, list[BaseException]] = {}
    real = timers.fire_due

    def fire_due(session, instance_id, now, actor="worker"):
        if raising.get(instance_id):
            real(session, instance_id, now, actor)  # the step runs and writes; then it fails at the end
            raise raising[instance_id].pop(0)
        return real(session, instance_id, now, actor)
    monkeypatch.setattr(timers, "fire_due", fire_due)
    return raising


def _deadlock() -> OperationalError:
    return OperationalError("UPDATE instance ...", {}, psycopg.errors.DeadlockDetected("deadlock detected"))


def _pass(session, now, backoff=None, batch=100):
    clock.set(now)
    return run_pass(session, now, backoff or Backoff(limit=3, seconds=5), batch=batch)


def _fired(events, instance_id):
    return [d["bpmn_id"] for e, d in events(instance_id) if e == "timer_fired"]


def test_an_unexpected_failure_becomes_an_incident_and_the_next_instance_still_fires(
        due, failing, session, reload, events):
    first, second = due(2)
    failing[first] = [DataError("INSERT INTO human_task ...", {},
                                Exception("value too long for type character varying(200)"))]
    report = _pass(session, REMINDER_DUE + timedelta(seconds=5))
    assert report.incidents == [first] and report.fired == [second]
    broken = reload(first)
    assert broken.status == "error" and broken.next_timer_at is None
    assert "value too long for type character varying(200)" in broken.error["message"]
    assert "INSERT" not in broken.error["message"]  # the database's words, not the statement
    # The failed step left nothing behind; the incident is audited on the instance's own chain.
    assert _fired(events, first) == [] and [e for e, _ in events(first)][-1] == "instance_failed"
    assert _fired(events, second) == ["remind"]
    # The next pass does not die on it again: the incident is out of the due queue.
    assert _pass(session, REMINDER_DUE + timedelta(days=1)).incidents == []


def test_a_bug_raised_as_a_plain_exception_is_an_incident_too(due, failing, session, reload):
    [only] = due(1)
    failing[only] = [ZeroDivisionError("division by zero")]
    assert _pass(session, REMINDER_DUE).incidents == [only]
    assert reload(only).error["message"].endswith("ZeroDivisionError: division by zero")


@pytest.mark.parametrize("lost", [_deadlock, lambda: OperationalError(
    "UPDATE instance ...", {}, sqlite3.OperationalError("database is locked"))], ids=["deadlock", "sqlite-locked"])
def test_a_lost_race_is_retried_with_growing_waits_then_becomes_an_incident(
        lost, due, failing, session, reload, events):
    [only] = due(1)
    failing[only] = [lost() for _ in range(3)]
    backoff = Backoff(limit=2, seconds=5)
    now = REMINDER_DUE
    assert _pass(session, now, backoff).postponed == [only]
    assert reload(only).status == "running"  # rolled back, still due, nothing recorded
    assert _pass(session, now + timedelta(seconds=4), backoff).postponed == []  # waits 5 s
    assert _pass(session, now + timedelta(seconds=6), backoff).postponed == [only]
    assert _pass(session, now + timedelta(seconds=14), backoff).postponed == []  # then 10 s
    report = _pass(session, now + timedelta(seconds=17), backoff)
    assert report.incidents == [only]  # the third lost race is over the limit of two retries
    assert reload(only).status == "error"
    assert "DeadlockDetected" in reload(only).error["message"] or "locked" in reload(only).error["message"]
    assert _fired(events, only) == []


def test_a_retry_that_wins_fires_the_timer_once(due, failing, session, reload, events):
    [only] = due(1)
    failing[only] = [_deadlock()]
    backoff = Backoff(limit=3, seconds=5)
    assert _pass(session, REMINDER_DUE, backoff).postponed == [only]
    assert _pass(session, REMINDER_DUE + timedelta(seconds=6), backoff).fired == [only]
    assert _fired(events, only) == ["remind"] and reload(only).status == "running"
    assert backoff.attempts == {}


def test_one_pass_goes_through_every_due_instance_in_batches(due, failing, session, events):
    ids = due(5)
    failing[ids[0]] = [_deadlock()]  # postponed, and stays the earliest due: the pass must go past it
    report = _pass(session, REMINDER_DUE + timedelta(seconds=10), batch=2)
    assert report.postponed == [ids[0]]
    assert sorted(report.fired) == ids[1:]
    assert all(_fired(events, i) == ["remind"] for i in ids[1:])
