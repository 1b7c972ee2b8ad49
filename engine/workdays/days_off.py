"""Days off an operator adds (cuti bersama): stored rows, and the calendar they make, read once per transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.context import current_run
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import NonWorkingDay

from .calendar import WorkingCalendar, public_holidays

__all__ = ["DayOff", "add_day_off", "calendar_for", "current_calendar", "days_off", "reading_days_off",
           "remove_day_off"]

_CACHE_KEY = "kinerja_working_calendar"
#: The session to read added days from outside an engine step (e.g. application code evaluating a script).
_outside_run: ContextVar[Session | None] = ContextVar("kinerja_days_off_session", default=None)


@dataclass(frozen=True)
class DayOff:
    """One non-working weekday of a year: a public holiday (source 'libur nasional') or an added day."""

    day: date
    name: str
    source: str


def calendar_for(session: Session) -> WorkingCalendar:
    """Return the calendar with the added days, read once per transaction of session (cached in session.info)."""
    cached = session.info.get(_CACHE_KEY)
    if cached is None:
        rows = session.execute(select(NonWorkingDay.day, NonWorkingDay.name)).all()
        cached = session.info[_CACHE_KEY] = WorkingCalendar({row.day: row.name for row in rows})
    assert isinstance(cached, WorkingCalendar)
    return cached


@event.listens_for(Session, "after_transaction_end")
def _forget_calendar(session: Session, transaction: object) -> None:
    # Another process may have added a day since: the next transaction reads the rows again.
    session.info.pop(_CACHE_KEY, None)


@contextmanager
def reading_days_off(session: Session) -> Iterator[None]:
    """Let working-day functions evaluated outside an engine step read the added days from session."""
    token = _outside_run.set(session)
    try:
        yield
    finally:
        _outside_run.reset(token)


def current_calendar() -> WorkingCalendar:
    """Return the calendar of the engine step in progress (or of `reading_days_off`).

    With neither, only weekends and public holidays are days off.
    """
    try:
        session: Session | None = current_run().session
    except RuntimeError:
        session = _outside_run.get()
    return WorkingCalendar() if session is None else calendar_for(session)


def add_day_off(session: Session, day: date, name: str, actor: str) -> NonWorkingDay:
    """Add a day off (cuti bersama) to the calendar; refuse a day that is already not a working day."""
    name = name.strip()
    if not name:
        raise InvalidInput("a day off needs a name (e.g. 'Cuti bersama Natal')")
    reason = calendar_for(session).day_off_reason(day)
    if reason is not None:
        raise Conflict(f"{day.isoformat()} is already not a working day ({reason})", day=day.isoformat())
    row = NonWorkingDay(day=day, name=name, created_by=actor, created_at=clock.now())
    session.add(row)
    session.flush()
    session.info.pop(_CACHE_KEY, None)
    audit.record(session, "non_working_day_added", actor, data={"day": day.isoformat(), "name": name})
    return row


def remove_day_off(session: Session, day: date, actor: str) -> None:
    """Remove an added day off; public holidays cannot be removed."""
    row = session.execute(select(NonWorkingDay).where(NonWorkingDay.day == day)).scalar_one_or_none()
    if row is None:
        holiday = public_holidays(day.year).get(day)
        hint = f" ({holiday} is a public holiday and stays one)" if holiday else ""
        raise NotFound(f"{day.isoformat()} is not an added day off{hint}", day=day.isoformat())
    name = row.name
    session.execute(delete(NonWorkingDay).where(NonWorkingDay.id == row.id))
    session.flush()
    session.info.pop(_CACHE_KEY, None)
    audit.record(session, "non_working_day_removed", actor, data={"day": day.isoformat(), "name": name})


def days_off(session: Session, year: int) -> list[DayOff]:
    """Return the public holidays and added days off of year, by date."""
    found = [DayOff(day, name, "libur nasional") for day, name in public_holidays(year).items()]
    rows = session.execute(select(NonWorkingDay).where(
        NonWorkingDay.day >= date(year, 1, 1), NonWorkingDay.day <= date(year, 12, 31))).scalars()
    found += [DayOff(row.day, row.name, "ditambahkan") for row in rows]
    return sorted(found, key=lambda d: (d.day, d.source))
