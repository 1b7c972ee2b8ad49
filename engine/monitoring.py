"""What operators watch: the schema's revision, the work waiting in the tables, and how late the timers are.

Every figure is one cheap statement on an index (open tasks and overdue tasks on partial indexes over open
tasks, due timers on `instance.next_timer_at`, incidents on `instance.status`), so a scraper may ask often.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select
from sqlalchemy.orm import Session

from .models import HumanTask, Instance
from .runtime.running.execution import DUE


@dataclass(frozen=True)
class Revisions:
    """The schema revisions the database is at and the ones the code's migrations end with."""

    current: tuple[str, ...]
    head: tuple[str, ...]

    @property
    def at_head(self) -> bool:
        """Return whether the database is migrated exactly to the code's head."""
        return set(self.current) == set(self.head)


@dataclass(frozen=True)
class Backlog:
    """Work waiting now: open and overdue tasks, due timers, instances in error."""

    open_tasks: int
    overdue_tasks: int
    timers: Timers
    incidents: int


@cache
def head_revisions() -> tuple[str, ...]:
    """Return the head revisions of the migrations shipped with the code (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location",
                           os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations"))
    return tuple(sorted(ScriptDirectory.from_config(config).get_heads()))


def revisions(connection: Connection) -> Revisions:
    """Return the database's schema revisions beside the code's."""
    from alembic.migration import MigrationContext

    current = MigrationContext.configure(connection).get_current_heads()
    return Revisions(tuple(sorted(current)), head_revisions())


@dataclass(frozen=True)
class Timers:
    """Timers due and not fired yet, and the oldest one's due time: how far behind the timer worker is."""

    due: int
    oldest_due_at: datetime | None

    def lag_seconds(self, now: datetime) -> float:
        """Return how long the most overdue timer has waited (0 when none is due)."""
        return max((now - self.oldest_due_at).total_seconds(), 0.0) if self.oldest_due_at else 0.0


def timers(session: Session, now: datetime) -> Timers:
    """Return the timers due at `now` that no worker has fired (two statements on `instance.next_timer_at`)."""
    # what the timer worker takes (runtime.events.timers)
    due = (Instance.status.in_(DUE), Instance.next_timer_at < now)
    return Timers(_count(session, Instance, *due),
                  session.execute(select(func.min(Instance.next_timer_at)).where(*due)).scalar_one())


def backlog(session: Session, now: datetime) -> Backlog:
    """Return the work waiting at `now`, in five indexed statements."""
    is_open = HumanTask.state == "open"
    waiting = timers(session, now)
    return Backlog(
        open_tasks=_count(session, HumanTask, is_open),
        overdue_tasks=_count(session, HumanTask, is_open, HumanTask.due_at < now),
        timers=waiting,
        incidents=_count(session, Instance, Instance.status == "error"))


def _count(session: Session, table: type[Any], *where: ColumnElement[bool]) -> int:
    return int(session.execute(select(func.count()).select_from(table).where(*where)).scalar_one())
