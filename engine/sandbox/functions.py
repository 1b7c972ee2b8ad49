"""The functions every script can call: those the application registers, and the ISO-8601 date helpers.

`datetime`/`timedelta` objects are not offered because task data must stay JSON; scripts get ISO-8601
strings instead, through `now_iso()`, `today_iso()`, `date_add()` and `days_between()`.
"""

from __future__ import annotations

import keyword
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from engine.clock import clock

from .budget import untraced
from .guards import BUILTINS
from .juel_functions import juel_function, juel_method, juel_text
from .workday_functions import WORKDAY_FUNCTIONS

_registry: dict[str, Callable[..., Any]] = {}
#: name -> (registered function, the same run without the budget's trace hook)
_untraced: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {}
#: The last script_functions() answer, and the state of the registry it was built from.
_scripted: list[Any] = [None, 0, {}]
_registry_lock = threading.Lock()


def register_function(name: str, fn: Callable[..., Any]) -> None:
    """Make fn callable by name from every script and expression (application-registered helpers)."""
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise ValueError(f"'{name}' cannot be a script function name: "
                         "use a plain identifier that does not start with '_'")
    if name in BUILTINS:
        raise ValueError(f"'{name}' would hide the sandbox built-in of the same name")
    if not callable(fn):
        raise TypeError(f"register_function('{name}', ...) needs a callable")
    with _registry_lock:
        _registry[name] = fn
        _scripted[0] = None  # rebuilt at the next evaluation


def registered_functions() -> dict[str, Callable[..., Any]]:
    """Return a copy of the functions registered for scripts, by name."""
    with _registry_lock:
        return dict(_registry)


def script_functions() -> dict[str, Callable[..., Any]]:
    """Return the registered functions as scripts call them: with the time budget's tracing suspended.

    The answer is shared between calls (every evaluation asks): callers must not change it.
    """
    with _registry_lock:
        if _scripted[0] is _registry and _scripted[1] == len(_registry):
            return _scripted[2]  # type: ignore[no-any-return]
        wrapped = {}
        for name, fn in _registry.items():
            cached = _untraced.get(name)
            if cached is None or cached[0] is not fn:
                cached = _untraced[name] = (fn, untraced(fn))
            wrapped[name] = cached[1]
        _scripted[:] = [_registry, len(_registry), wrapped]
        return wrapped


# --------------------------------------------------------------------------------------------------
# Helpers offered to every script (ISO-8601 strings in and out: task data stays JSON)


def _parse_moment(text: str) -> date | datetime:
    if not isinstance(text, str):
        raise TypeError(f"expected an ISO 8601 date or date-time string, not {type(text).__name__}")
    if len(text.strip()) == 10:
        return date.fromisoformat(text.strip())
    return datetime.fromisoformat(text.strip())


def now_iso() -> str:
    """Return the engine clock's current time as an ISO 8601 UTC date-time."""
    return clock.now().isoformat()


def today_iso() -> str:
    """Return today's date in Samarinda (the engine clock's local zone) as YYYY-MM-DD."""
    return clock.now().astimezone(clock.local_tz).date().isoformat()


def date_add(iso_date: str, days: int) -> str:
    """Return iso_date (a date or date-time) moved by a whole number of days, in the same form."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("date_add() needs a whole number of days")
    return (_parse_moment(iso_date) + timedelta(days=days)).isoformat()


def days_between(start: str, end: str) -> int:
    """Return the calendar days from start to end (dates or date-times; negative when end is earlier)."""
    first, last = _parse_moment(start), _parse_moment(end)
    first_day = first.date() if isinstance(first, datetime) else first
    last_day = last.date() if isinstance(last, datetime) else last
    return (last_day - first_day).days


_HELPERS: dict[str, Callable[..., Any]] = {"now_iso": now_iso, "today_iso": today_iso, "date_add": date_add,
                                           "days_between": days_between, **WORKDAY_FUNCTIONS}
for _name, _helper in _HELPERS.items():
    register_function(_name, _helper)
del _name, _helper


# The helpers translated JUEL calls (method calls, now(), dateTime(), the business key) run through.
register_function("juel_method", juel_method)
register_function("juel_function", juel_function)
register_function("juel_text", juel_text)
