"""Builtins whose work is sized before it starts: text conversions, hash, sum, round and zip.

`str()` of a list holding the same big list a million times, `hash()` of a tuple nested sixty times over
itself, `sum(lists, [])`, `round(5, -10**7)` and `list(zip(*[big] * 10**6))` are single C-level calls the
time budget cannot stop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from RestrictedPython.PrintCollector import PrintCollector

from .errors import SandboxViolation
from .sizes import (
    MAX_SEQUENCE_LENGTH,
    check_codec,
    check_format_spec,
    check_round,
    check_shown,
    refuse_size,
    repr_exceeds,
)

_PLAIN = frozenset({str, int, float, bool, type(None)})
_CONVERSIONS: dict[int, Callable[[Any], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


class _StrType(type):
    """Makes the sandbox's str pass for the real one in isinstance() and issubclass()."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, str)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, str)


class SafeStr(str, metaclass=_StrType):
    """The sandbox's `str`: str(value) refuses values whose text would be too long; str methods work as usual."""

    def __new__(cls, value: Any = "", *args: Any, **kwargs: Any) -> Any:
        if type(value) in _PLAIN and not args and not kwargs:
            return str(value)  # the usual case, kept to one call: scripts call str() in loops
        if not args and not kwargs:
            check_shown(value, "str()")
        check_codec(kwargs.get("encoding", args[0] if args else None))
        return str(value, *args, **kwargs)


def safe_repr(value: Any) -> str:
    """repr(value), refused when the text would be too long."""
    check_shown(value, "repr()")
    return repr(value)


def safe_hash(value: Any) -> int:
    """hash(value), refused for tuples too large to hash quickly (tuples do not cache their hash)."""
    if isinstance(value, (tuple, frozenset)) and repr_exceeds(value):
        refuse_size("hash()")
    return hash(value)


def safe_sum(values: Any, start: Any = 0) -> Any:
    """sum() of numbers; adding up lists or strings this way copies them over and over."""
    if isinstance(start, (list, tuple, str, bytes)):
        raise SandboxViolation("sum() adds numbers in process scripts; join lists with a loop and "
                               "list.extend(), strings with ''.join()")
    return sum(values, start)


def safe_round(number: Any, digits: Any = None) -> Any:
    """round(), refusing a huge negative number of digits on an int (it computes 10**-digits)."""
    check_round(number, digits)
    return round(number) if digits is None else round(number, digits)


def safe_zip(*iterables: Any, strict: bool = False) -> Any:
    """zip(), refusing to pair many long sequences: each step builds a tuple as long as the number of them."""
    lengths = [len(items) for items in iterables if isinstance(items, (list, tuple, str, bytes, range, dict))]
    if len(iterables) > 1 and lengths and len(iterables) * min(lengths) > MAX_SEQUENCE_LENGTH:
        refuse_size("zip()")
    return zip(*iterables, strict=strict)


def format_value(value: Any, conversion: int, spec: str) -> str:
    """One replacement field of an f-string ({value!conversion:spec}), with its size checked first."""
    if len(spec) > 6:  # six characters hold no number over MAX_SEQUENCE_LENGTH
        check_format_spec(spec)
    if type(value) in _PLAIN and conversion == -1:
        return format(value, spec)
    if conversion in _CONVERSIONS:
        check_shown(value, "an f-string")
        value = _CONVERSIONS[conversion](value)
    elif not spec:
        check_shown(value, "an f-string")
    return format(value, spec)


class BoundedPrint(PrintCollector):
    """print() in scripts: the output goes to the debug log, and there is a limit to how much of it."""

    def __init__(self, _getattr_: Any = None) -> None:
        super().__init__(_getattr_)  # type: ignore[no-untyped-call]
        self.length = 0

    def write(self, text: str) -> None:
        self.length += len(text)
        if self.length > MAX_SEQUENCE_LENGTH:
            refuse_size("the printed output")
        super().write(text)

    def _call_print(self, *objects: Any, **kwargs: Any) -> None:
        for value in objects:
            check_shown(value, "print()")
        super()._call_print(*objects, **kwargs)  # type: ignore[no-untyped-call]
