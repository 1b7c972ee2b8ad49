"""Limits on data values: size, nesting depth, key length and finite numbers, checked the same way everywhere.

Instance data is JSON. A value nested a thousand levels deep, a key longer than a column, NaN or Infinity
(which JSON cannot write) or a variable of hundreds of megabytes either crashes the code that reads it
later or makes every load of the instance slow. Entry points (forms, CLI `--data`, API bodies) refuse such
data with `FormInvalid`; the engine refuses it when a step would store it (`engine.runtime.running.data_guard`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.config import Defaults
from engine.errors import FormInvalid, InvalidInput


@dataclass(frozen=True)
class DataLimits:
    """The limits in force (from KINERJA_MAX_INSTANCE_DATA_BYTES and its neighbours at start-up)."""

    instance_bytes: int = Defaults.MAX_INSTANCE_DATA_BYTES
    variable_bytes: int = Defaults.MAX_VARIABLE_BYTES
    depth: int = Defaults.MAX_DATA_DEPTH
    key_length: int = Defaults.MAX_DATA_KEY_LENGTH


_current = [DataLimits()]


def set_data_limits(limits: DataLimits) -> None:
    """Set the limits every check uses from now on; refuse limits that are not positive."""
    for name in ("instance_bytes", "variable_bytes", "depth", "key_length"):
        value = getattr(limits, name)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"the data limit {name} must be a positive whole number, not {value!r}")
    _current[0] = limits


def data_limits() -> DataLimits:
    """Return the limits in force."""
    return _current[0]


class DataTooLarge(InvalidInput):
    """Values each within the limits that together are more than an instance may hold."""

    code = "data_too_large"


@dataclass(frozen=True)
class Problem:
    """One value that breaks a limit: where it is (`variable/key/0`), a stable form code and a sentence."""

    path: str
    code: str
    message: str


def json_size(value: Any) -> int:
    """Return the size in bytes of a value written as compact UTF-8 JSON (the measure of every size limit)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str, skipkeys=True)
    return len(text.encode("utf-8", "surrogatepass"))


def shape_problems(value: Any, path: str = "") -> list[Problem]:
    """Return the first problem of nesting, key length or non-finite number in a value (walked without recursion)."""
    limits = data_limits()
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        current, where, depth = stack.pop()
        if isinstance(current, float) and not math.isfinite(current):
            return [Problem(where, "not_finite", f"{where or 'the value'} is {current}, which JSON cannot hold; "
                                                 "give a finite number")]
        if isinstance(current, str) and _UNSTORABLE.search(current):
            return [_unstorable(where)]
        if not isinstance(current, dict | list | tuple):
            continue
        if depth >= limits.depth:
            return [Problem(where, "too_deep", f"{where or 'the value'} is nested deeper than "
                                               f"{limits.depth} levels of lists and objects")]
        items = current.items() if isinstance(current, dict) else enumerate(current)
        for key, item in items:
            if isinstance(key, str) and _UNSTORABLE.search(key):
                return [_unstorable(where)]
            if isinstance(current, dict) and len(str(key)) > limits.key_length:
                return [Problem(where, "key_too_long", f"a key in {where or 'the data'} is {len(str(key))} "
                                                       f"characters long; at most {limits.key_length} are allowed")]
            stack.append((item, f"{where}/{key}" if where else str(key), depth + 1))
    return []


#: Characters no database text can hold: NUL (PostgreSQL refuses it) and lone UTF-16 surrogates (not UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(where: str) -> Problem:
    return Problem(where, "invalid_format", f"{where or 'the value'} contains a NUL character or a lone "
                                            "surrogate, which cannot be stored as text")


def size_problems(data: Mapping[str, Any], *, total: bool = True) -> list[Problem]:
    """Return the variables over the per-variable size, and the whole when it is over the instance size."""
    limits = data_limits()
    found: list[Problem] = []
    whole = 0
    for name, value in data.items():
        size = json_size(value)
        whole += size + len(str(name)) + 4
        if size > limits.variable_bytes:
            found.append(Problem(str(name), "too_large", f"variable '{name}' is {size:,} bytes of JSON; at most "
                                                         f"{limits.variable_bytes:,} bytes may be stored per variable"))
    if total and whole > limits.instance_bytes:
        found.append(Problem("", "too_large", f"the data is {whole:,} bytes of JSON; an instance may hold at most "
                                              f"{limits.instance_bytes:,} bytes"))
    return found


def problems(data: Mapping[str, Any]) -> list[Problem]:
    """Return every problem of a set of variables: their shape, then their sizes."""
    found = shape_problems(dict(data))
    return found + size_problems(data)


def refusal(found: list[Problem]) -> FormInvalid | DataTooLarge:
    """Return the refusal of problems: FormInvalid by path, or DataTooLarge when only the whole is too large."""
    if all(problem.path == "" and problem.code == "too_large" for problem in found):
        return DataTooLarge(found[0].message)
    errors: dict[str, list[dict[str, Any]]] = {}
    for problem in found:
        errors.setdefault(problem.path, []).append({"code": problem.code, "message": problem.message})
    return FormInvalid(errors)


def check_data(data: Mapping[str, Any]) -> None:
    """Refuse variables that break a limit (FormInvalid naming each one, DataTooLarge for the whole)."""
    found = problems(data)
    if found:
        raise refusal(found)


class _NotFinite(ValueError):
    """NaN, Infinity or -Infinity in a JSON text: Python reads them, JSON does not allow them."""


def _refuse_constant(name: str) -> Any:
    raise _NotFinite(f"{name} is not a number JSON allows; give a finite number")


def parse_json(text: str | bytes, path: str = "") -> Any:
    """Parse a JSON text within the limits: refuse bad JSON, deep nesting, NaN/Infinity and long keys.

    Python's parser gives up on deep nesting with a RecursionError before its own stack runs out; that is
    caught here as the same clear refusal as data parsed fine but nested deeper than the limit.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise refusal([Problem(path, "invalid_format", f"the JSON is not UTF-8 text: {exc.reason}")]) from exc
    limits = data_limits()
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise refusal([Problem(path, "too_deep", f"the JSON is nested deeper than {limits.depth} levels "
                                                 "of lists and objects")]) from exc
    except _NotFinite as exc:
        raise refusal([Problem(path, "not_finite", str(exc))]) from exc
    except ValueError as exc:
        raise refusal([Problem(path, "invalid_format", f"not valid JSON: {exc}")]) from exc
    found = shape_problems(value, path)
    if found:
        raise refusal(found)
    return value
