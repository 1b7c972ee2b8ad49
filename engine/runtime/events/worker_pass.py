"""One pass of the timer worker: fire every due instance, and let no failure of one stop the others.

A failure on one instance is either a lost race (a deadlock, a serialization failure, a locked SQLite
database, a version conflict), retried with exponential back-off, or anything else (a value too long
for its column, a bug in a script function), which becomes an incident on that instance. The
incident is written in a fresh transaction after the rollback, so a failing instance is out of the
due queue and can no longer be the first thing every restarted worker dies on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.db.races import lost_race
from engine.errors import KinerjaError
from engine.models import Instance

from ..running.execution import DUE, lock, write
from . import timers


@dataclass
class Backoff:
    """Lost races per instance, and when each may be tried again (kept by one worker process)."""

    limit: int
    seconds: float
    attempts: dict[int, int] = field(default_factory=dict)
    not_before: dict[int, datetime] = field(default_factory=dict)

    def waiting(self, instance_id: int, now: datetime) -> bool:
        """Say whether an instance waits for its next attempt after a lost race."""
        due = self.not_before.get(instance_id)
        return due is not None and now < due

    def postpone(self, instance_id: int, now: datetime) -> timedelta | None:
        """Count a lost race and return the wait before the next attempt, or None once the limit is reached."""
        attempt = self.attempts.get(instance_id, 0) + 1
        if attempt > self.limit:
            self.forget(instance_id)
            return None
        self.attempts[instance_id] = attempt
        wait = timedelta(seconds=self.seconds * 2 ** (attempt - 1))
        self.not_before[instance_id] = now + wait
        return wait

    def forget(self, instance_id: int) -> None:
        """Start counting again (the instance moved, or became an incident)."""
        self.attempts.pop(instance_id, None)
        self.not_before.pop(instance_id, None)


@dataclass
class PassReport:
    """What one pass did, by instance id."""

    fired: list[int] = field(default_factory=list)
    postponed: list[int] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)


def run_pass(session: Session, now: datetime, backoff: Backoff, *, batch: int = 100, actor: str = "worker",
             log: Callable[[str], None] = lambda line: None) -> PassReport:
    """Fire every instance due at now, `batch` at a time, committing each instance on its own."""
    report = PassReport()
    seen: set[int] = set()
    after: tuple[datetime, int] | None = None
    while True:
        page = due_page(session, now, batch, after)
        session.rollback()  # end the read transaction: each instance gets its own
        for instance_id, _ in page:
            # An instance fired earlier in this pass may be due again (a chain of past timers):
            # the next pass takes it, so one instance cannot hold a pass forever.
            if instance_id not in seen and not backoff.waiting(instance_id, now):
                seen.add(instance_id)
                fire_one(session, instance_id, now, backoff, report, actor, log)
        if len(page) < batch:
            return report
        last_id, last_due = page[-1]
        after = (last_due, last_id)


def due_page(session: Session, now: datetime, limit: int,
             after: tuple[datetime, int] | None) -> list[tuple[int, datetime]]:
    """Return (id, due time) of due instances after a (due time, id) cursor, earliest first.

    Paging by the cursor, not by "the earliest due", is what lets a pass go past an instance that
    stays due (postponed after a lost race) instead of taking it again and again.
    """
    query = select(Instance.id, Instance.next_timer_at).where(
        Instance.status.in_(DUE), Instance.next_timer_at < now)
    if after is not None:
        due, last_id = after
        query = query.where(or_(Instance.next_timer_at > due,
                                and_(Instance.next_timer_at == due, Instance.id > last_id)))
    rows = session.execute(query.order_by(Instance.next_timer_at, Instance.id).limit(limit)).all()
    return [(row.id, row.next_timer_at) for row in rows]


def fire_one(session: Session, instance_id: int, now: datetime, backoff: Backoff, report: PassReport,
             actor: str = "worker", log: Callable[[str], None] = lambda line: None) -> None:
    """Fire one instance in its own transaction; a failure becomes a later retry or an incident."""
    try:
        if timers.fire_due(session, instance_id, now, actor):
            report.fired.append(instance_id)
        session.commit()
        backoff.forget(instance_id)
        return
    except Exception as exc:  # whatever it is, it belongs to this instance, not to the worker
        session.rollback()
        failure = exc
    wait = backoff.postpone(instance_id, now) if lost_race(failure) else None
    if wait is not None:
        report.postponed.append(instance_id)
        log(f"instance {instance_id}: {describe(failure)}; trying again in {wait.total_seconds():g} s")
        return
    try:
        if record_incident(session, instance_id, failure, actor):
            report.incidents.append(instance_id)
            log(f"instance {instance_id}: incident: {describe(failure)}")
        session.commit()
    except Exception as exc:  # the database itself refuses: leave the instance for the next pass
        session.rollback()
        log(f"instance {instance_id}: {describe(failure)}; the incident could not be written: {describe(exc)}")


def record_incident(session: Session, instance_id: int, failure: BaseException, actor: str = "worker") -> bool:
    """Put an instance the worker could not fire in error, audited; False when it is no longer due."""
    instance = lock(session, instance_id)
    if instance is None or instance.status not in DUE:
        return False  # ended, suspended or deleted meanwhile: nothing of this failure is left to show
    error: dict[str, Any] = {"message": f"the timer worker could not run this instance: {describe(failure)}",
             "type": type(getattr(failure, "orig", None) or failure).__name__,
             "task": None, "bpmn_id": None, "task_id": None, "line": None, "error_line": None, "notes": [],
             "source": "worker"}
    write(session, instance, status="error", error=error, next_timer_at=None, updated_at=clock.now())
    audit.record(session, "instance_failed", actor, instance_id=instance_id, data=error)
    return True


def describe(failure: BaseException) -> str:
    """Return a one-line account of a failure: the database's own words, never the SQL or its parameters."""
    if isinstance(failure, KinerjaError):
        return failure.message
    if isinstance(failure, DBAPIError):
        words = str(failure.orig).strip().splitlines()
        return f"{type(failure.orig).__name__}: {words[0] if words else ''}".rstrip(": ")
    return f"{type(failure).__name__}: {failure}".rstrip(": ")
