"""Instance before task, everywhere: the deadline timer racing last-minute submissions never deadlocks.

The worker locks an instance, fires its interrupting deadline and cancels the open task; an employee
completing that task at the same moment used to lock the task row first and then wait for the
instance, while the worker waited for the task row: PostgreSQL's DeadlockDetected, about four races in
ten. PostgreSQL only: SQLite serializes writers and has no row locks to order.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.clock import clock
from engine.errors import KinerjaError
from engine.models import AuditEvent, HumanTask
from engine.runtime.events import timers
from engine.runtime.human_tasks import tasks

T0 = datetime(2027, 1, 2, 8, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=1)
ROUNDS = 25


@pytest.fixture
def postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("row-level lock order is exercised on PostgreSQL")


def _race(sessions, instance_id: int, task_id: int, now: datetime) -> dict[str, object]:
    """Fire the instance's deadline and complete its task at the same moment; return what each side got."""
    start = threading.Barrier(2, timeout=20)
    outcome: dict[str, object] = {}

    def worker() -> None:
        with sessions() as session:
            start.wait()
            try:
                outcome["worker"] = timers.fire_due(session, instance_id, now)
                session.commit()
            except Exception as exc:  # the test reports whatever it is
                session.rollback()
                outcome["worker"] = exc

    def employee() -> None:
        with sessions() as session:
            start.wait()
            try:
                tasks.complete(session, task_id, "ani", {})
                session.commit()
                outcome["employee"] = "completed"
            except Exception as exc:
                session.rollback()
                outcome["employee"] = exc

    threads = [threading.Thread(target=worker), threading.Thread(target=employee)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcome


def test_the_deadline_timer_and_a_last_minute_completion_never_deadlock(
        postgres_only, deploy, start, open_tasks, sessions, session):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    data = {"employee": "ani", "manager": "budi", "deadline": DEADLINE.isoformat()}
    rounds = [start("deadlines", data, key=f"r{i}") for i in range(ROUNDS)]
    now = DEADLINE + timedelta(seconds=1)
    clock.set(now)
    winners = []
    for instance in rounds:
        [submit] = open_tasks(instance.id)
        outcome = _race(sessions, instance.id, submit.id, now)
        worker, employee = outcome["worker"], outcome["employee"]
        # Never a database error: one side wins, the other is refused in the engine's own words.
        assert worker in (True, False) and (employee == "completed" or isinstance(employee, KinerjaError)), outcome
        session.expire_all()
        states = {t.bpmn_id: t.state for t in session.execute(
            select(HumanTask).where(HumanTask.instance_id == instance.id)).scalars()}
        kinds = list(session.execute(select(AuditEvent.event_type).where(
            AuditEvent.instance_id == instance.id)).scalars())
        if employee == "completed":
            assert worker is False and states == {"submit": "completed"}
            assert "timer_fired" not in kinds and kinds.count("task_completed") == 1
            winners.append("employee")
        else:
            assert worker is True and states == {"submit": "cancelled", "escalated": "open"}
            assert kinds.count("timer_fired") == 1 and "task_completed" not in kinds
            winners.append("worker")
    assert len(winners) == ROUNDS
