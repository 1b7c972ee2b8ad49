"""Check and translate BPMN timer values: ISO 8601 dates, durations and repeating intervals, or JUEL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from .juel import juel_to_python
from .pycode import ExpressionError, is_string_literal, python_string

__all__ = ["check_timer_value", "timer_to_python"]

# Strict subsets of what SpiffWorkflow's timer module parses: a fraction only on seconds, no comma decimals,
# weeks alone, `T` only when a time part follows, extended date format only.
_DURATION = re.compile(
    r"P\d+W|P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?")
_CYCLE = re.compile(r"R(\d*)/(.+)", re.DOTALL)
# Text of this shape is meant as ISO 8601, never as Python: quote it, or refuse it when malformed.
_ISO_SHAPE = re.compile(r"R\d*/.*|P(?=[\dT]|$)[\dA-Z.,]*|\d.*", re.DOTALL)


def _is_duration(value: str) -> bool:
    """Return True for an ISO 8601 duration such as P14D, PT12H, P1Y2M or P2W."""
    return _DURATION.fullmatch(value) is not None


def _is_date_time(value: str) -> bool:
    """Return True for an ISO 8601 calendar date or date-time with an optional offset."""
    if _DATE_TIME.fullmatch(value) is None:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_cycle(value: str) -> bool:
    """Return True for a repeating interval R[n]/duration, R[n]/start/duration or R[n]/duration/end."""
    match = _CYCLE.fullmatch(value)
    if match is None:
        return False
    parts = match[2].split("/")
    if len(parts) == 1:
        return _is_duration(parts[0])
    if len(parts) == 2:
        first, second = parts
        starts_at_date = _is_date_time(first) and _is_duration(second)
        return starts_at_date or (_is_duration(first) and _is_date_time(second))
    return False


_TIMER_KINDS: dict[str, tuple[Callable[[str], bool], str]] = {
    "timeDate": (_is_date_time, "date/time (e.g. 2027-01-31, 2027-01-31T17:00:00+08:00)"),
    "timeDuration": (_is_duration, "duration (e.g. P14D, PT12H)"),
    "timeCycle": (_is_cycle, "repeating interval (e.g. R3/P7D, R/P1D, R3/2027-01-01T08:00:00+08:00/P7D)"),
}


def check_timer_value(value: str, kind: str) -> None:
    """Raise ExpressionError unless value (the evaluated string) is valid ISO 8601 for its timer kind.

    kind is 'timeDate' (a date/time), 'timeDuration' (a duration) or 'timeCycle' (a repeating interval).
    """
    if kind not in _TIMER_KINDS:
        raise ValueError(f"unknown timer kind {kind!r} (expected one of {', '.join(_TIMER_KINDS)})")
    is_valid, description = _TIMER_KINDS[kind]
    if not isinstance(value, str) or not is_valid(value):
        raise ExpressionError(f"{value!r} is not an ISO 8601 {description}")


def _guess_timer_kind(text: str) -> str:
    """Return the timer kind malformed ISO-looking text was most likely meant as, for the error message."""
    if text.startswith("R"):
        return "timeCycle"
    if text.startswith("P") or re.match(r"\d+[A-Za-z]", text):
        return "timeDuration"
    return "timeDate"


def timer_to_python(text: str) -> str:
    """Translate a BPMN timer value (timeDate, timeDuration or timeCycle text) to Python.

    The result is the expression SpiffWorkflow evaluates to get the ISO 8601 timer text.
    """
    source = text.strip()
    if not source:
        raise ExpressionError("the timer has no value (e.g. P14D, 2027-01-31T17:00:00+08:00 or ${deadline})")
    if "${" in source or "#{" in source:
        return juel_to_python(source)
    if is_string_literal(source) or _ISO_SHAPE.fullmatch(source) is None:
        return source
    if not any(is_valid(source) for is_valid, _ in _TIMER_KINDS.values()):
        check_timer_value(source, _guess_timer_kind(source))
    return python_string(source).code
