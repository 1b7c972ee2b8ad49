"""Convert decision results to their typeRef, as Camunda 7's DMN data type transformers do."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .model import DecisionError

__all__ = ["to_type"]


def to_type(value: Any, type_ref: str | None, what: str) -> Any:
    """Return value converted to type_ref ('' or None keeps it); raise DecisionError when it cannot be."""
    kind = (type_ref or "").strip()
    if value is None or not kind:
        return value
    try:
        converted = _CONVERTERS[kind](value) if kind in _CONVERTERS else value
    except (ValueError, OverflowError):
        converted = _FAILED
    if converted is _FAILED:
        raise DecisionError(f"{what} is {value!r}, which cannot be converted to its typeRef {kind}")
    return converted


_FAILED = object()


def _string(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"  # as Camunda (Java) spells them
    return value if isinstance(value, str) else str(value)


def _whole(value: Any) -> Any:
    if isinstance(value, bool):
        return _FAILED
    if isinstance(value, str):
        return int(value.strip())
    if isinstance(value, (int, float)) and float(value) == int(value):
        return int(value)
    return _FAILED


def _double(value: Any) -> Any:
    if isinstance(value, bool):
        return _FAILED
    if isinstance(value, (str, int, float)):
        return float(value)
    return _FAILED


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return _FAILED


def _date(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        datetime.fromisoformat(value.strip())  # dates stay ISO 8601 text, as everywhere in Kinerja
        return value.strip()
    return _FAILED


_CONVERTERS = {"string": _string, "integer": _whole, "long": _whole, "double": _double, "boolean": _boolean,
               "date": _date}
