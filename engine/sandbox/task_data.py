"""Task data after a script: JSON data only (tuples become lists), the rest dropped and described.

The walk is bounded by size: every node is counted (a list shared a thousand times counts a thousand
times, as it would in the stored JSON), and a variable that would make the task data larger than
`LIMITS.data_bytes` is dropped with a "too large" problem instead of being walked to the end.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .limits import LIMITS


class _NotData(Exception):
    pass


class _TooLarge(Exception):
    pass


class _Budget:
    """Bytes (as JSON, estimated) the task data may still take."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise _TooLarge


def _scalar_size(value: Any) -> int:
    if isinstance(value, str):
        return len(value) + 2
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return value.bit_length() * 31 // 100 + 2
    return 24


#: Where a value sits: (where its container sits, its key or index); rendered only for a problem.
_Where = tuple[Any, Any]


def _path(where: _Where) -> str:
    keys = []
    while where[0] is not None:
        where, key = where
        keys.append(f"[{key!r}]")
    return str(where[1]) + "".join(reversed(keys))


def _as_data(value: Any, where: _Where, budget: _Budget, open_: set[int]) -> Any:
    """Return value as JSON data (tuples become lists) or raise _NotData naming where it is not."""
    kind = type(value)
    if value is None or kind in (bool, int, str, float) or isinstance(value, (bool, int, str, float)):
        budget.spend(_scalar_size(value))
        if isinstance(value, float) and not math.isfinite(value):
            raise _NotData(f"'{_path(where)}' is {value}, which JSON cannot store")
        if isinstance(value, int) and value.bit_length() > _MAX_STORED_INT_BITS:
            raise _NotData(f"'{_path(where)}' is a number of more than 4000 digits, which cannot be stored")
        return value
    if not isinstance(value, (dict, list, tuple)):
        hint = "; convert it with sorted(...) or list(...)" if isinstance(value, (set, frozenset)) else ""
        raise _NotData(f"'{_path(where)}' holds a {kind.__name__}; task data can only hold dicts, lists, "
                       f"strings, numbers, booleans and None{hint}")
    if id(value) in open_:
        raise _NotData(f"'{_path(where)}' contains itself")
    budget.spend(2 + len(value))
    open_.add(id(value))
    try:
        if isinstance(value, dict):
            return _dict_as_data(value, where, budget, open_)
        items = [_as_data(item, (where, index), budget, open_) for index, item in enumerate(value)]
    finally:
        open_.discard(id(value))
    same = kind is list and all(new is old for new, old in zip(items, value, strict=True))
    return value if same else items


def _dict_as_data(value: dict[Any, Any], where: _Where, budget: _Budget, open_: set[int]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    changed = type(value) is not dict
    for key, item in value.items():
        if not isinstance(key, str):
            raise _NotData(f"'{_path(where)}' has the key {key!r:.80}; keys in task data must be strings")
        budget.spend(len(key) + 3)
        result[key] = _as_data(item, (where, key), budget, open_)
        changed = changed or result[key] is not item
    return result if changed else value


class _Leave:
    """Marks, on the walk's stack, the end of a container's contents."""

    __slots__ = ("key",)

    def __init__(self, key: int) -> None:
        self.key = key


def _is_plain(value: Any, budget: _Budget) -> bool:
    """Return whether value is already plain JSON data; spend its size, raising _TooLarge past the budget.

    A fast iterative walk (about 0.1 us a node): when it says False (a tuple, a set, a non-string key,
    NaN, a cycle), the precise walk (`_as_data`) converts or describes the value, within the size this
    walk has bounded.
    """
    plain, stack, open_, size, limit = True, [value], set(), 0, budget.left
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is int:
            if -_BIG < item < _BIG:
                size += 2
            else:
                size += _scalar_size(item)
                plain = plain and item.bit_length() <= _MAX_STORED_INT_BITS
        elif kind is str:
            size += len(item) + 2
        elif kind is list or kind is dict or kind is tuple:
            if size > limit:
                break
            if id(item) in open_:
                return False  # contains itself: the precise walk names where
            open_.add(id(item))
            push(_Leave(id(item)))
            size += 2 + len(item)
            if kind is dict:
                for key in item:
                    if type(key) is not str:
                        return False
                    size += len(key) + 3
                extend(item.values())
            else:
                plain = plain and kind is list
                extend(item)
        elif kind is _Leave:
            open_.discard(item.key)
        elif item is None or kind is bool or (kind is float and math.isfinite(item)):
            size += 24
        else:
            plain = False
    budget.spend(size)
    return plain


_BIG = 10 ** 18
#: JSON cannot write an int of more digits than Python's int-to-text limit (4300 by default).
_MAX_STORED_INT_BITS = 14_000


def keep_only_data(context: dict[str, Any], before: Mapping[str, Any]) -> list[str]:
    """Make the task data JSON data in place; drop and describe the variables that are not, or too large."""
    problems = []
    budget = _Budget(LIMITS.data_bytes)
    for key in list(context):
        value = context[key]
        if key in before and before[key] is value and not isinstance(value, (dict, list)):
            continue  # untouched by the script (a dict or list may have been changed in place)
        left = budget.left
        try:
            if not _is_plain(value, budget):
                budget.left = left
                context[key] = _as_data(value, (None, key), budget, set())
        except (_NotData, _TooLarge, RecursionError) as refusal:
            # Drop it so the workflow (now in error) can still be saved.
            del context[key]
            budget.left = max(left, 0)
            problems.append(_describe(key, refusal))
    return problems


def _describe(key: str, refusal: Exception) -> str:
    if isinstance(refusal, RecursionError):
        return f"'{key}' is nested too deeply"
    if isinstance(refusal, _TooLarge):
        return (f"'{key}' is too large to store: the task data may take at most {LIMITS.data_bytes} bytes "
                "as JSON")
    return str(refusal)
