"""The allowed range of timers: no zero-length loops, no timers for eternity, no dates centuries ahead.

`R/PT0S` fires forever without the clock moving, and `P999999999Y` makes SpiffWorkflow count a billion
years month by month. A fixed date (timeDate) may lie at most `max_days` ahead; a past one fires at once,
as in SpiffWorkflow. Validation refuses such literals; the runtime checks the evaluated value of every
timer (engine/elements/timer_guard.py), so an expression that yields one becomes an incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.clock import clock
from engine.config import Defaults

from .pycode import ExpressionError

__all__ = ["TimerLimits", "check_timer_bounds", "duration_seconds", "set_timer_limits", "timer_limits"]

# Average lengths: the bound is about order of magnitude, not calendar exactness.
_UNIT_SECONDS = {"Y": 365.2425 * 86400, "M": 30.436875 * 86400, "W": 7 * 86400, "D": 86400}
_TIME_SECONDS = {"H": 3600, "M": 60, "S": 1}
_PART = re.compile(r"(\d+(?:[.,]\d+)?)([A-Z])")


@dataclass(frozen=True)
class TimerLimits:
    """The shortest and the longest timer a definition may use."""

    min_seconds: float = Defaults.TIMER_MIN_SECONDS
    max_days: int = Defaults.TIMER_MAX_DAYS


_limits = TimerLimits()


def set_timer_limits(min_seconds: float, max_days: int) -> None:
    """Set the allowed timer range (`KINERJA_TIMER_MIN_SECONDS`, `KINERJA_TIMER_MAX_DAYS`)."""
    global _limits
    _limits = TimerLimits(min_seconds, max_days)


def timer_limits() -> TimerLimits:
    """Return the allowed timer range."""
    return _limits


def duration_seconds(duration: str) -> float:
    """Return the approximate length of an ISO 8601 duration (P14D, PT1H30M, P2W) in seconds."""
    text = duration.strip().upper()
    date_part, _, time_part = text.removeprefix("P").partition("T")
    total = 0.0
    for number, unit in _PART.findall(date_part):
        total += float(number.replace(",", ".")) * _UNIT_SECONDS.get(unit, 0)
    for number, unit in _PART.findall(time_part):
        total += float(number.replace(",", ".")) * _TIME_SECONDS.get(unit, 0)
    return total


def _durations_of(value: str, kind: str) -> list[str]:
    """Return the durations a timer value is made of: itself, or a cycle's interval."""
    if kind == "timeDuration":
        return [value]
    if kind == "timeCycle":
        return [part for part in value.strip().split("/")[1:] if part.strip().upper().startswith("P")]
    return []


def check_timer_bounds(value: str, kind: str, limits: TimerLimits | None = None) -> None:
    """Raise ExpressionError when a duration or a cycle's interval is outside the allowed range."""
    limits = limits or _limits
    for duration in _durations_of(value, kind):
        seconds = duration_seconds(duration)
        what = "the interval" if kind == "timeCycle" else "the duration"
        if seconds < limits.min_seconds:
            raise ExpressionError(f"{value!r}: {what} {duration} is shorter than the shortest timer allowed, "
                                  f"{limits.min_seconds:g} second(s) (KINERJA_TIMER_MIN_SECONDS)")
        if seconds > limits.max_days * 86400:
            raise ExpressionError(f"{value!r}: {what} {duration} is longer than the longest timer allowed, "
                                  f"{limits.max_days} day(s) (KINERJA_TIMER_MAX_DAYS)")
    if kind == "timeDate":
        _check_date(value, limits)


def _check_date(value: str, limits: TimerLimits) -> None:
    """Raise ExpressionError when a timer date cannot be read or lies more than `max_days` ahead."""
    try:
        # SpiffWorkflow's own reading, so what passes here is what the timer will wait for.
        moment = TimerEventDefinition.parse_time_or_duration(value.strip())
    except Exception:  # ValueError, OverflowError, AttributeError...: any text it cannot read
        moment = None
    if not isinstance(moment, datetime):
        raise ExpressionError(f"{value!r} is not a date and time (e.g. 2027-01-31T17:00:00+08:00)")
    if moment - clock.now() > timedelta(days=limits.max_days):
        raise ExpressionError(f"{value!r}: the date is more than {limits.max_days} day(s) ahead, later than the "
                              "longest timer allowed (KINERJA_TIMER_MAX_DAYS)")
