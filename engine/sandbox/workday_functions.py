"""Working-day functions for scripts and expressions: deadlines that skip weekends, holidays and cuti bersama.

Dates go in and out as ISO 8601 text (task data stays JSON). A date-time keeps its time of day; a plain date
stays a plain date, which as a due date means the end of that day (engine.runtime.human_tasks.task_dates).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from engine.clock import clock
from engine.workdays import current_calendar

from .juel_functions import Moment

__all__ = ["WORKDAY_FUNCTIONS", "adalah_hari_kerja", "durasi_hari_kerja", "hitung_hari_kerja", "tambah_hari_kerja"]


def _moment(value: Any, function: str) -> date | datetime:
    """Return the date or date-time value holds; a date-time without offset is in WITA."""
    if isinstance(value, (date, datetime)):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            moment = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{function}() needs an ISO 8601 date or date-time, not {text[:60]!r}") from None
    else:
        raise ValueError(f"{function}() needs a date, not {value!r}")
    if isinstance(moment, datetime):
        # Working days are days in Samarinda: count from the WITA date of the moment.
        return moment.astimezone(clock.local_tz) if moment.tzinfo else moment.replace(tzinfo=clock.local_tz)
    return moment


def _now() -> datetime:
    return clock.now().astimezone(clock.local_tz)


def tambah_hari_kerja(*args: Any) -> Moment:
    """tambah_hari_kerja(n) or tambah_hari_kerja(start, n): the moment n working days after now (or after start)."""
    if len(args) not in (1, 2):
        raise ValueError(f"tambah_hari_kerja() takes a number of working days, optionally after a date: "
                         f"tambah_hari_kerja(5) or tambah_hari_kerja(start, 5), not {len(args)} arguments")
    start = _now() if len(args) == 1 else _moment(args[0], "tambah_hari_kerja")
    count = args[-1]
    if isinstance(start, datetime):
        day = current_calendar().add(start.date(), count)
        return Moment(datetime.combine(day, start.timetz()).isoformat())
    return Moment(current_calendar().add(start, count).isoformat())


def durasi_hari_kerja(count: Any) -> str:
    """Return the ISO 8601 duration from now to the same time n working days later (for timeDuration timers)."""
    today = _now().date()
    return f"P{(current_calendar().add(today, count) - today).days}D"


def adalah_hari_kerja(value: Any) -> bool:
    """Return whether the date (or the WITA date of the date-time) is a working day."""
    moment = _moment(value, "adalah_hari_kerja")
    return current_calendar().is_working_day(moment.date() if isinstance(moment, datetime) else moment)


def hitung_hari_kerja(start: Any, end: Any) -> int:
    """Return the working days after start up to and including end (negative when end is earlier)."""
    first, last = _moment(start, "hitung_hari_kerja"), _moment(end, "hitung_hari_kerja")
    return current_calendar().count_between(first.date() if isinstance(first, datetime) else first,
                                            last.date() if isinstance(last, datetime) else last)


#: Script name -> function, registered for every script and expression.
WORKDAY_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "tambah_hari_kerja": tambah_hari_kerja, "durasi_hari_kerja": durasi_hari_kerja,
    "adalah_hari_kerja": adalah_hari_kerja, "hitung_hari_kerja": hitung_hari_kerja,
}
