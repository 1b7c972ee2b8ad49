"""Task data after a script: JSON data only (tuples become lists), the rest dropped and described."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


class _NotData(Exception):
    pass


def _as_data(value: Any, path: str, seen: frozenset[int] = frozenset()) -> Any:
    """Return value as JSON data (tuples become lists) or raise _NotData naming where it is not."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _NotData(f"'{path}' is {value}, which JSON cannot store")
        return value
    if id(value) in seen:
        raise _NotData(f"'{path}' contains itself")
    inner = seen | {id(value)}
    if isinstance(value, dict):
        return _dict_as_data(value, path, inner)
    if isinstance(value, (list, tuple)):
        items = [_as_data(item, f"{path}[{index}]", inner) for index, item in enumerate(value)]
        same = type(value) is list and all(new is old for new, old in zip(items, value, strict=True))
        return value if same else items
    hint = "; convert it with sorted(...) or list(...)" if isinstance(value, (set, frozenset)) else ""
    raise _NotData(f"'{path}' holds a {type(value).__name__}; task data can only hold dicts, lists, "
                   f"strings, numbers, booleans and None{hint}")


def _dict_as_data(value: dict[Any, Any], path: str, seen: frozenset[int]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    changed = type(value) is not dict
    for key, item in value.items():
        if not isinstance(key, str):
            raise _NotData(f"'{path}' has the key {key!r}; keys in task data must be strings")
        result[key] = _as_data(item, f"{path}[{key!r}]", seen)
        changed = changed or result[key] is not item
    return result if changed else value


def keep_only_data(context: dict[str, Any], before: Mapping[str, Any]) -> list[str]:
    """Make the task data JSON data in place; drop and describe the variables that are not."""
    problems = []
    for key in list(context):
        value = context[key]
        if key in before and before[key] is value and not isinstance(value, (dict, list)):
            continue  # untouched by the script (a dict or list may have been changed in place)
        try:
            context[key] = _as_data(value, key)
        except (_NotData, RecursionError) as refusal:
            # Drop it so the workflow (now in error) can still be saved.
            del context[key]
            deep = isinstance(refusal, RecursionError)
            problems.append(f"'{key}' is nested too deeply" if deep else str(refusal))
    return problems
