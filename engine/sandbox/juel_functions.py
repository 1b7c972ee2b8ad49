"""What translated JUEL calls at run time: Camunda's now()/dateTime(), the business key, and the methods of
text, lists, maps and dates (engine.expressions.juel_calls lists them and refuses the others at deploy).

Dates are ISO 8601 text, so task data stays JSON: `Moment` is a `str` that also compares chronologically.
A plain date (`2027-01-31`) stays a plain date through day arithmetic, so a due date computed from it still
means the end of that day.
"""

from __future__ import annotations

import calendar
import operator
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from engine.clock import clock
from engine.context import current_run
from engine.expressions.juel_calls import DATE_METHODS, FUNCTIONS, METHODS

from .sizes import MAX_SEQUENCE_LENGTH

__all__ = ["Moment", "juel_function", "juel_method", "juel_text"]


def _parsed(value: Any) -> date | datetime | None:
    """Return the date or date-time value holds (ISO 8601 text or a date object), or None."""
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        return None


def _instant(value: date | datetime) -> datetime:
    """Return an aware date-time: a plain date is its first moment, a time without offset is in WITA.

    The same reading as due dates and timers, so a comparison, a deadline and a timer agree.
    """
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), clock.local_tz)
    return value if value.tzinfo else value.replace(tzinfo=clock.local_tz)


class Moment(str):
    """ISO 8601 date or date-time text that compares chronologically with other dates (text or Moment)."""

    __slots__ = ()

    def _compare(self, other: object, compare: Callable[[datetime, datetime], bool]) -> bool:
        mine, theirs = _parsed(str(self)), _parsed(other)
        if mine is None or theirs is None:
            result: bool = NotImplemented  # not a date: Python compares the texts instead
            return result
        return compare(_instant(mine), _instant(theirs))

    def __lt__(self, other: object) -> bool:
        return self._compare(other, operator.lt)

    def __le__(self, other: object) -> bool:
        return self._compare(other, operator.le)

    def __gt__(self, other: object) -> bool:
        return self._compare(other, operator.gt)

    def __ge__(self, other: object) -> bool:
        return self._compare(other, operator.ge)


def _moment(value: date | datetime) -> Moment:
    return Moment(value.isoformat())


def _date_of(value: Any, method: str) -> date | datetime:
    found = _parsed(value)
    if found is None:
        raise ValueError(f"{method}() needs a date, and {str(value)[:60]!r} is not an ISO 8601 date or date-time")
    return found


def _add_months(moment: date | datetime, months: int) -> date | datetime:
    """Move by whole months, keeping the day or clamping it to the month's last day (as Joda does)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _shift(value: Any, method: str, amount: Any) -> Moment:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"{method}() needs a whole number, not {amount!r}")
    moment = _date_of(value, method)
    sign = 1 if method.startswith("plus") else -1
    unit = method.removeprefix("plus").removeprefix("minus").lower()
    if unit in ("years", "months"):
        return _moment(_add_months(moment, sign * amount * (12 if unit == "years" else 1)))
    if unit in ("hours", "minutes", "seconds"):
        moment = _instant(moment)  # a plain date has no hours: it becomes its first moment
    return _moment(moment + timedelta(**{unit: sign * amount}))


def _date_method(target: Any, name: str, args: tuple[Any, ...]) -> Any:
    if name.startswith(("plus", "minus")):
        return _shift(target, name, args[0])
    moment = _date_of(target, name)
    if name == "toDate":
        return _moment(moment)
    if name == "withTimeAtStartOfDay":
        return _moment(_instant(moment.date() if isinstance(moment, datetime) else moment))
    mine, theirs = _instant(moment), _instant(_date_of(args[0], name))
    if name in ("isBefore", "before"):
        return mine < theirs
    if name in ("isAfter", "after"):
        return mine > theirs
    return mine == theirs  # isEqual


def _sized(target: Any, name: str) -> Any:
    if not isinstance(target, (str, list, dict)):
        raise ValueError(f"{name}() needs text, a list or a map, not {_kind(target)}")
    return target


def _text(target: Any, name: str) -> str:
    if not isinstance(target, str):
        raise ValueError(f"{name}() needs text, not {_kind(target)}")
    return target


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a map"
    return "a list" if isinstance(value, list) else "this value"


def _substring(target: Any, begin: int, end: int | None = None) -> str:
    text = _text(target, "substring")
    if not 0 <= begin <= (len(text) if end is None else end) <= len(text):
        raise ValueError(f"substring({begin}{'' if end is None else f', {end}'}) is outside the text "
                         f"({len(text)} characters)")
    return text[begin:end]


def _replace(target: Any, old: Any, new: Any) -> str:
    text, part, by = _text(target, "replace"), _text(old, "replace"), juel_text(new)
    # Bounded like the sandbox's `+` and `*`: 'aaaa'.replace('a', long text) multiplies the length.
    if len(text) + text.count(part) * max(len(by) - len(part), 0) > MAX_SEQUENCE_LENGTH:
        raise ValueError(f"replace() would build a text longer than {MAX_SEQUENCE_LENGTH} characters")
    return text.replace(part, by)


def _get(target: Any, key: Any) -> Any:
    if isinstance(target, dict):
        return target.get(key)
    if isinstance(target, list) and isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(target):
        return target[key]
    raise ValueError(f"get({key!r}) needs a map, or a list and an index within it")


_OTHER_METHODS: dict[str, Callable[..., Any]] = {
    "equals": lambda t, other: t == other,
    "equalsIgnoreCase": lambda t, other: isinstance(other, str) and _text(t, "equalsIgnoreCase").casefold()
    == other.casefold(),
    "isEmpty": lambda t: len(_sized(t, "isEmpty")) == 0,
    "size": lambda t: len(_sized(t, "size")),
    "length": lambda t: len(_sized(t, "length")),
    "startsWith": lambda t, prefix: _text(t, "startsWith").startswith(_text(prefix, "startsWith")),
    "endsWith": lambda t, suffix: _text(t, "endsWith").endswith(_text(suffix, "endsWith")),
    "contains": lambda t, item: (_text(item, "contains") in t) if isinstance(t, str)
    else item in _sized(t, "contains"),
    "containsKey": lambda t, key: isinstance(t, dict) and key in t,
    "toUpperCase": lambda t: _text(t, "toUpperCase").upper(),
    "toLowerCase": lambda t: _text(t, "toLowerCase").lower(),
    "trim": lambda t: _text(t, "trim").strip(),
    "substring": _substring,
    "indexOf": lambda t, part: _text(t, "indexOf").find(_text(part, "indexOf")),
    "replace": _replace,
    "toString": lambda t: juel_text(t),
    "get": _get,
}


def juel_method(target: Any, name: str, *args: Any) -> Any:
    """Return target.name(*args) with the meaning the method has in Camunda for that kind of value."""
    if name not in METHODS:
        raise ValueError(f"the method {name}() is not available in expressions")
    if target is None:
        raise ValueError(f"cannot call {name}() on null: the value it is called on is not set "
                         "(test it first, e.g. ${not empty x and x.startsWith('a')})")
    if name in DATE_METHODS:
        return _date_method(target, name, args)
    return _OTHER_METHODS[name](target, *args)


def juel_function(name: str) -> Any:
    """Return the value of Camunda's built-in function name: now(), dateTime(), or the business key."""
    if name == "businessKey":
        return current_run().business_key
    if name not in FUNCTIONS:
        raise ValueError(f"the function {name}() is not available in expressions")
    # Both are the engine clock's time in Samarinda (WITA), as the server's zone would be in Camunda.
    return _moment(clock.now().astimezone(clock.local_tz))


def juel_text(value: Any) -> str:
    """Return value as JUEL turns it into text: null is '', true/false are lower case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
