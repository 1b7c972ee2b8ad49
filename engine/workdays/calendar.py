"""The working-day calendar: Monday to Friday, minus public holidays (the `holidays` package) and added days."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = ["MAX_WORKING_DAYS", "WorkingCalendar", "public_holidays"]

#: The most working days one deadline may count: ten years, so a typo cannot make an expression loop for long.
MAX_WORKING_DAYS = 2500


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """Return Indonesia's public holidays of year with their Indonesian names (estimated dates included)."""
    return dict(holidays.country_holidays("ID", years=year, language="id"))


class WorkingCalendar:
    """Tells working days apart and counts them; extra_days are the days off an operator added (cuti bersama)."""

    def __init__(self, extra_days: Mapping[date, str] | None = None) -> None:
        self.extra_days: dict[date, str] = dict(extra_days or {})

    def day_off_reason(self, day: date) -> str | None:
        """Return why day is not a working day (weekend, holiday name, added day), or None for a working day."""
        if day.weekday() >= 5:
            return "Sabtu" if day.weekday() == 5 else "Minggu"
        if day in self.extra_days:
            return self.extra_days[day]
        return public_holidays(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        """Return whether people work on day."""
        return self.day_off_reason(day) is None

    def add(self, start: date, count: int) -> date:
        """Return the count-th working day after start; 0 gives start itself, or the next working day after it."""
        _check_count(count)
        day = start
        if count == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        while count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def count_between(self, start: date, end: date) -> int:
        """Return the working days after start up to and including end (negative when end is earlier)."""
        if end < start:
            return -self.count_between(end, start)
        if (end - start).days > MAX_WORKING_DAYS * 2:
            raise ValueError(f"the period from {start} to {end} is too long to count working days in")
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def _check_count(count: object) -> None:
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError(f"the number of working days must be a whole number, not {count!r}")
    if count < 0:
        raise ValueError(f"the number of working days cannot be negative ({count})")
    if count > MAX_WORKING_DAYS:
        raise ValueError(f"{count} working days is more than the {MAX_WORKING_DAYS} a deadline may count")
