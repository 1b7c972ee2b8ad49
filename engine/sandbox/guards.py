"""Run-time guards: the safe builtins and the helpers RestrictedPython's compiled code calls.

They refuse private attributes, interpreter internals and str.format, stub out unsafe builtins with an
explanation, bound the size of what `range`, operators, amplifying methods (`sizes`, `methods`) and
conversions to text (`conversions`) build, and keep except clauses from catching the budget stop.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from .conversions import (
    BoundedPrint,
    SafeStr,
    format_value,
    safe_hash,
    safe_repr,
    safe_round,
    safe_sum,
    safe_zip,
)
from .errors import BudgetExceeded, SandboxViolation
from .methods import guard_method
from .sizes import MAX_SEQUENCE_LENGTH, check_binop, check_modpow


class _NeverRaised(BaseException):
    """Handed to except clauses while an uncatchable exception unwinds, so that none of them matches."""


def _refuse(what: str, advice: str = "") -> NoReturn:
    raise SandboxViolation(f"{what} is not available in process scripts" + (f"; {advice}" if advice else ""))


def _unavailable(name: str, advice: str = "") -> Callable[..., NoReturn]:
    """Return a stand-in for a builtin that explains why it is missing instead of a bare NameError."""
    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        _refuse(f"{name}()", advice)
    refuse.__name__ = name
    return refuse


def _guarded_getattr(obj: Any, name: str) -> Any:
    """Return obj.name unless the attribute is private, an interpreter internal or str.format."""
    if not isinstance(name, str):
        raise TypeError("attribute names must be strings")
    if name.startswith("_"):
        _refuse(f"the attribute '{name}'", "names starting with '_' are private")
    if name in INSPECT_ATTRIBUTES or name == "mro":
        _refuse(f"the attribute '{name}'", "it exposes interpreter internals")
    is_str = isinstance(obj, str) or (isinstance(obj, type) and issubclass(obj, str))
    if name in ("format", "format_map") and is_str:
        # str.format reads attributes by name ('{0.__class__}'), past this guard.
        _refuse(f"str.{name}()", "use an f-string or '+'")
    return guard_method(obj, name, getattr(obj, name))


def _guarded_getitem(obj: Any, index: Any) -> Any:
    return obj[index]


def _guarded_getiter(obj: Any) -> Any:
    # Task data holds plain containers: iteration needs no proxy. The time budget bounds loops.
    return obj


def _apply(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return fn(*args, **kwargs)


def _limited_range(*args: int) -> range:
    """Return range(*args), refusing ranges longer than MAX_SEQUENCE_LENGTH."""
    numbers = range(*args)
    try:
        length = len(numbers)
    except OverflowError:
        length = MAX_SEQUENCE_LENGTH + 1
    if length > MAX_SEQUENCE_LENGTH:
        raise SandboxViolation(f"range() may not be longer than {MAX_SEQUENCE_LENGTH} numbers "
                               "in process scripts")
    return numbers


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "*": operator.mul, "**": operator.pow, "<<": operator.lshift, "%": operator.mod,
}
_IN_PLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _binop(symbol: str, left: Any, right: Any) -> Any:
    check_binop(symbol, left, right)
    return _BINARY[symbol](left, right)


def _inplacevar(symbol: str, target: Any, value: Any) -> Any:
    # RestrictedPython turns `n += 1` into `n = _inplacevar_('+=', n, 1)`.
    check_binop(symbol, target, value)
    return _IN_PLACE[symbol](target, value)


def _guarded_pow(base: Any, exponent: Any, mod: Any = None) -> Any:
    if mod is None:
        check_binop("**", base, exponent)
    else:
        check_modpow(base, exponent, mod)
    return pow(base, exponent, mod)


#: Exceptions no script may catch. RecursionError and MemoryError can be raised inside the trace hook,
#: and CPython then removes the hook: a script that caught them could loop on without a time budget.
_UNCATCHABLE = (BudgetExceeded, RecursionError, MemoryError)


def _except(types_of: Callable[[], Any] | None) -> Any:
    """Return what an except clause catches; nothing while an uncatchable exception unwinds."""
    if isinstance(sys.exc_info()[1], _UNCATCHABLE):
        return _NeverRaised
    # A bare `except:` catches every Exception (users cannot raise the BaseExceptions anyway).
    return Exception if types_of is None else types_of()


def _build_builtins() -> dict[str, Any]:
    names = {name: value for name, value in safe_builtins.items() if not name.startswith("_")}
    # Raising these would leave SpiffWorkflow's `except Exception` and stop the worker; setattr/delattr
    # are useless on task data; BaseException would let a script catch the budget stop.
    for name in ("setattr", "delattr", "BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit"):
        names.pop(name, None)
    names.update({
        "min": min, "max": max, "sorted": sorted, "reversed": reversed, "any": any, "all": all,
        "enumerate": enumerate, "next": next, "dict": dict, "list": list, "set": set,
        "frozenset": frozenset, "tuple": tuple, "range": _limited_range, "pow": _guarded_pow,
        "str": SafeStr, "repr": safe_repr, "hash": safe_hash, "sum": safe_sum,
        "round": safe_round, "zip": safe_zip,
    })
    advice = {
        "type": "use isinstance(value, str)",
        "getattr": "use value.attribute or data['key']",
        "hasattr": "use 'key' in data",
        "open": "scripts cannot use files",
    }
    for name in ("open", "getattr", "setattr", "delattr", "hasattr", "globals", "locals", "vars", "dir",
                 "type", "eval", "exec", "compile", "input", "help", "exit", "quit", "memoryview", "object",
                 "super", "property", "classmethod", "staticmethod", "format", "iter", "__import__"):
        names[name] = _unavailable(name, advice.get(name, ""))
    return names


BUILTINS = _build_builtins()

#: Names RestrictedPython's compiled code calls; they override task data of the same name.
RUNTIME_GLOBALS: dict[str, Any] = {
    "__builtins__": BUILTINS,
    "_getattr_": _guarded_getattr,
    "_getitem_": _guarded_getitem,
    "_getiter_": _guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,  # lets scripts write into dicts and lists, nothing else
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    "_print_": BoundedPrint,  # print() works; the output goes to the debug log
    "_binop_": _binop,
    "_except_": _except,
    "_format_": format_value,
}
