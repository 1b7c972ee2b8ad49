"""Several workers and users at once (PostgreSQL: row locks with SKIP LOCKED; SQLite serializes writers)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.clock import clock
from engine.errors import Conflict
from engine.models import AuditEvent
from engine.runtime.events import timers
from engine.runtime.human_tasks import tasks

T0 = datetime(2027, 1, 2, tzinfo=UTC)


@pytest.fixture
def postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row-level locking is exercised on PostgreSQL")


def _timer_events(session):
    return session.execute(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.event_type == "timer_fired")).scalar_one()


def test_a_locked_instance_is_skipped_by_a_second_worker(postgres_only, deploy, start, sessions, session):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {"employee": "a", "manager": "b", "deadline": "2027-03-01T00:00:00+08:00"})
    now = T0 + timedelta(days=8)
    clock.set(now)
    first, second = sessions(), sessions()
    try:
        assert timers.due_instance_ids(second, now) == [instance.id]
        assert timers.fire_due(first, instance.id, now) is True  # holds the row lock, not committed
        assert timers.fire_due(second, instance.id, now) is False  # skipped, not waited for
        first.commit()
        second.rollback()
        assert timers.fire_due(second, instance.id, now) is False  # no longer due
        second.commit()
    finally:
        first.close()
        second.close()
    assert _timer_events(session) == 1


def test_the_same_timer_never_fires_twice_in_sequence(deploy, start, sessions, session):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {"employee": "a", "manager": "b", "deadline": "2027-03-01T00:00:00+08:00"})
    now = T0 + timedelta(days=8)
    clock.set(now)
    for _ in range(2):
        with sessions() as worker:
            for instance_id in timers.due_instance_ids(worker, now):
                timers.fire_due(worker, instance_id, now)
            worker.commit()
    assert _timer_events(session) == 1
    assert instance.id


def test_simultaneous_completions_of_one_task(postgres_only, deploy, start, open_tasks, sessions, session):
    deploy("processes/review.bpmn")
    instance = start("review", {"employee": "ani", "manager": "budi", "unit_group": "g"})
    [draft] = open_tasks(instance.id)
    holding = threading.Event()
    release = threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        with sessions() as s:
            tasks.complete(s, draft.id, "ani", {"target": 1})
            holding.set()
            release.wait(10)
            s.commit()
            results["first"] = "completed"

    def second() -> None:
        holding.wait(10)
        with sessions() as s:
            try:
                tasks.complete(s, draft.id, "ani", {"target": 2})
                s.commit()
                results["second"] = "completed"
            except Conflict as exc:
                s.rollback()
                results["second"] = exc.code

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    holding.wait(10)
    release.set()
    for t in threads:
        t.join(20)
    assert results == {"first": "completed", "second": "conflict"}
    completed = session.execute(select(func.count()).select_from(AuditEvent)
                                .where(AuditEvent.event_type == "task_completed")).scalar_one()
    assert completed == 1
