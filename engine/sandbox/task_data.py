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
from .sizes import MAX_INT_BITS


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
            raise _NotData(f"'{_path(where)}' is a number too large to store (more than {MAX_INT_BITS} bits)")
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


class _Sizer:
    """Sizes a value as JSON (shared containers counted each time they appear), visiting each container once.

    Sizes of containers are remembered by identity, so a list that holds the same list twice sixty
    levels deep is sized in sixty steps, not 2^60; `plain` turns False on anything the precise walk
    (`_as_data`) must convert or describe (a tuple, a set, a non-string key, NaN, a cycle).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.plain = True
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()

    def size(self, value: Any) -> int:
        kind = type(value)
        if kind is str:
            return len(value) + 2
        if kind is int and -_BIG < value < _BIG:
            return 2
        if kind is list or kind is dict or kind is tuple:
            return self._container(value, kind)
        if value is None or kind is bool or kind is int or (kind is float and math.isfinite(value)):
            self.plain = self.plain and (kind is not int or value.bit_length() <= _MAX_STORED_INT_BITS)
            return _scalar_size(value)
        self.plain = False
        return 0

    def _container(self, value: Any, kind: type) -> int:
        key = id(value)
        known = self.sizes.get(key)
        if known is not None:
            return known
        if key in self.open:
            self.plain = False  # contains itself: the precise walk names where
            return 0
        self.open.add(key)
        total, limit, size = 2 + len(value), self.limit, self.size
        if kind is dict:
            for name, item in value.items():
                self.plain = self.plain and type(name) is str
                total += (len(name) if isinstance(name, str) else 8) + 3 + size(item)
                if total > limit:
                    raise _TooLarge
        else:
            self.plain = self.plain and kind is list
            for item in value:
                # The usual items inline: a method call per item would double the walk's cost.
                item_kind = type(item)
                if item_kind is str:
                    total += len(item) + 2
                elif item_kind is int and -_BIG < item < _BIG:
                    total += 2
                else:
                    total += size(item)
                if total > limit:
                    raise _TooLarge
        self.open.discard(key)
        self.sizes[key] = total
        return total


def _is_plain(value: Any, budget: _Budget) -> bool:
    """Return whether value is already plain JSON data; spend its size, raising _TooLarge past the budget."""
    sizer = _Sizer(budget.left)
    budget.spend(sizer.size(value))
    return sizer.plain


_BIG = 10 ** 18
#: Scripts build ints of at most MAX_INT_BITS; a longer one (e.g. int() of a 4 000-digit text) is not stored.
_MAX_STORED_INT_BITS = MAX_INT_BITS


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
