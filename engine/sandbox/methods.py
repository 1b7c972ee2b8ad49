"""Methods of str, bytes, list and int that can amplify their input, wrapped so that sizes are checked first.

`_getattr_` hands a script these wrappers instead of the plain methods; both `'x'.ljust(n)` and the
unbound `str.ljust('x', n)` are checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .sizes import MAX_SEQUENCE_LENGTH, check_codec, refuse_size


def _width(text: Any, width: Any, *rest: Any) -> int:
    return int(width) if isinstance(width, int) else 0


def _expandtabs(text: Any, tabsize: Any = 8) -> int:
    tab = "\t" if isinstance(text, str) else b"\t"
    return int(len(text) + text.count(tab) * (tabsize if isinstance(tabsize, int) else 0))


def _replace(text: Any, old: Any, new: Any, count: Any = -1) -> int:
    if not isinstance(old, (str, bytes)) or not isinstance(new, (str, bytes)):
        return 0
    found = len(text) + 1 if not old else text.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * max(len(new) - len(old), 0)


def _translate(text: Any, table: Any, *rest: Any) -> int:
    if not isinstance(table, dict):
        return len(text)
    longest = max((len(value) for value in table.values() if isinstance(value, str)), default=1)
    return len(text) * max(longest, 1)


def _extend(items: Any, more: Any) -> int:
    return len(items) + len(more) if hasattr(more, "__len__") else 0


def _to_bytes(number: Any, length: Any = 1, *rest: Any, **kwargs: Any) -> int:
    length = kwargs.get("length", length)
    return length if isinstance(length, int) else 0


#: Method name -> the size of its result, predicted from the receiver and the arguments.
_TEXT: dict[str, Callable[..., int]] = {
    "center": _width, "ljust": _width, "rjust": _width, "zfill": _width,
    "expandtabs": _expandtabs, "replace": _replace, "translate": _translate,
}
_PREDICTORS: dict[type, dict[str, Callable[..., int]]] = {
    str: _TEXT, bytes: _TEXT, list: {"extend": _extend}, int: {"to_bytes": _to_bytes},
}


def _join(separator: Any, parts: Iterable[Any]) -> Any:
    items = list(parts)
    total = len(separator) * max(len(items) - 1, 0)
    try:
        total += sum(map(len, items))  # map, not a generator: a generator's steps would each be traced
    except TypeError:
        pass  # join itself reports the item that is not text
    if total > MAX_SEQUENCE_LENGTH:
        refuse_size(f"{type(separator).__name__}.join()")
    return separator.join(items)


def _coded(method: Any, bound: bool) -> Callable[..., Any]:
    """Return str.encode/bytes.decode refusing codecs whose cost is not linear (punycode, idna)."""
    def call(*args: Any, **kwargs: Any) -> Any:
        rest = args if bound else args[1:]
        check_codec(kwargs.get("encoding", rest[0] if rest else None))
        return method(*args, **kwargs)
    return call


def _checked(name: str, method: Any, predict: Callable[..., int], receiver: Any) -> Callable[..., Any]:
    """Return method wrapped to refuse a call whose predicted result is too large."""
    def call(*args: Any, **kwargs: Any) -> Any:
        target, rest = (receiver, args) if receiver is not None else (args[0] if args else None, args[1:])
        try:
            size = 0 if target is None else predict(target, *rest, **kwargs)
        except TypeError:
            size = 0  # wrong arguments: the method itself says what is wrong
        if size > MAX_SEQUENCE_LENGTH:
            refuse_size(f"{type(target).__name__}.{name}()")
        return method(*args, **kwargs)
    call.__name__ = name
    return call


_GUARDED_NAMES = frozenset({"join", "encode", "decode"}.union(*(p.keys() for p in _PREDICTORS.values())))


def guard_method(obj: Any, name: str, value: Any) -> Any:
    """Return value (obj.name), wrapped when it is a method that could build a too large result."""
    if name not in _GUARDED_NAMES:
        return value  # most attribute reads: one set lookup
    owner = obj if isinstance(obj, type) else type(obj)
    for kind, predictors in _PREDICTORS.items():
        if issubclass(owner, kind):
            if name == "join" and kind in (str, bytes):
                if isinstance(obj, type):
                    return lambda separator, parts: _join(separator, parts)
                return lambda parts: _join(obj, parts)
            if name in ("encode", "decode") and kind in (str, bytes):
                return _coded(value, not isinstance(obj, type))
            predict = predictors.get(name)
            if predict is not None:
                return _checked(name, value, predict, None if isinstance(obj, type) else obj)
    return value
