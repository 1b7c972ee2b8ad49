"""Restricted execution of the Python that process owners put in BPMN and DMN files.

Every script task body, gateway condition, timer expression, multi-instance expression and DMN expression
goes through `SandboxEnvironment`: it is compiled by RestrictedPython with a stricter policy and run with
a small set of safe builtins, guards on attribute/item/iteration access, the task data as its variables,
the helpers the application registers (`register_function`) and a time budget.

What is refused where
  * At compile time (`check_source` reports it with the script line; running it raises `ScriptRefused`):
    imports, names and attributes starting with '_' (so every dunder), `exec`/`eval` calls, class
    definitions, `with`, `yield`, `finally`, except clauses naming anything but exception classes,
    `nonlocal`, `match`, async code, and augmented assignment of items or attributes (`d['k'] += 1`;
    write `d['k'] = d['k'] + 1`). A bare `except:` means `except Exception:`; no except clause ever
    catches the budget stop, RecursionError or MemoryError (see the time limit below).
  * At run time (`SandboxViolation`, a plain Exception): `open`, `getattr`, `setattr`, `type`, `globals`,
    `vars`, `dir`, `iter`, `__import__`... (stubs that explain themselves), attributes starting with '_',
    frame/generator/code internals and `mro` (via `_getattr_`), `str.format`/`format_map` (they read
    attributes by name: '{0.__class__}'.format(x)), `range()` longer than MAX_SEQUENCE_LENGTH, and
    `*`, `**`, `<<`, `+` whose result would exceed MAX_SEQUENCE_LENGTH items or MAX_INT_BITS bits.

Task data: after a script, functions, modules and the sandbox's own names are removed (as SpiffWorkflow's
TaskDataEnvironment does), tuples become lists, and anything else that is not JSON data (sets, NaN,
non-string keys...) is dropped and reported with `TaskDataInvalid`. An expression's value is returned as
it is, except that a lazy iterator is consumed into a list inside the time budget.

Date helpers: `datetime`/`timedelta` objects are not offered because task data must stay JSON; scripts
get ISO-8601 strings instead, through `now_iso()`, `today_iso()`, `date_add()` and `days_between()`.

Limits and their caveats
  * Time: a trace hook (installed only while sandboxed code runs, the previous one restored afterwards,
    e.g. coverage's) stops sandboxed code after `step_budget_seconds` (default 2 s) with `ScriptTimeout`.
    It traces every bytecode of sandboxed frames (a one-line `while True: pass` produces no 'line'
    events on CPython 3.11), which with the guards makes tight loops ~50x slower (about 130 000
    simple iterations per second): ample for process scripts; a gateway condition costs ~25 us.
    It cannot interrupt a single long C-level operation (`sorted` of a huge list, `str.replace`
    blow-ups): the size guards above keep the usual ones short.
    CPython drops a trace hook that raises, so the policy makes sure no script code runs once the stop
    is raised: no `finally`, no `with` (__exit__), no generators (clean-up code), except-clause types
    evaluated lazily and skipped while the stop unwinds. RecursionError and MemoryError can be raised
    inside the hook itself, which removes it; that is why scripts cannot catch them either.
  * Memory: RestrictedPython bounds nothing. The operator and range guards stop the obvious bombs
    (`'a' * 10**9`, `[0] * 10**9`, `10 ** 10**8`, `s = s + s` in a loop) but not all of them:
    `lst.extend(lst)` doubling, `'x'.ljust(10**9)`, `f'{x:>1000000000}'`, `'%1000000000d' % 1`
    still allocate what they ask for. A hard bound needs a child process with RLIMIT_AS; scripts come
    from authenticated process owners and are checked at deploy time, so this is accepted here.
"""

from __future__ import annotations

import ast
import keyword
import logging
import math
import operator
import sys
import threading
import time
import types
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, NoReturn, cast

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence,
                                     safe_builtins)
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import INSPECT_ATTRIBUTES, RestrictingNodeTransformer, copy_locations
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .clock import clock

__all__ = [
    "MAX_INT_BITS", "MAX_SEQUENCE_LENGTH", "SandboxEnvironment", "SandboxScriptEngine", "SandboxViolation",
    "ScriptRefused", "ScriptTimeout", "TaskDataInvalid", "check_source", "date_add", "days_between",
    "make_script_engine", "now_iso", "register_function", "registered_functions", "today_iso",
]

logger = logging.getLogger(__name__)

#: Longest str/list/tuple a single range(), `*` or `+` may produce.
MAX_SEQUENCE_LENGTH = 1_000_000
#: Largest int (in bits, ~30 000 decimal digits) a single `*`, `**` or `<<` may produce.
MAX_INT_BITS = 100_000
#: SpiffWorkflow finds the failing script line by looking for this file name in the traceback.
SANDBOX_FILENAME = "<string>"
_CACHE_SIZE = 4096


# --------------------------------------------------------------------------------------------------
# Errors


class ScriptRefused(SyntaxError):
    """The sandbox refused to compile a script or expression; `line` is the script's own line (1-based).

    It is a SyntaxError so that SpiffWorkflow's error path reads `lineno` (always an int here: that path
    fails with a TypeError on None) and reports the script line in its WorkflowTaskException.
    """

    def __init__(self, message: str, line: int | None = None,
                 problems: list[tuple[int | None, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.problems = list(problems or [(line, message)])
        self.msg = message
        self.lineno = line or 0

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class SandboxViolation(Exception):
    """Raised at run time when a script reaches for something the sandbox does not offer."""


class ScriptTimeout(Exception):
    """Raised when sandboxed code runs longer than its time budget."""


class TaskDataInvalid(ValueError):
    """Raised when a script leaves values in task data that are not JSON data."""


class _BudgetExceeded(BaseException):
    """Stops sandboxed code; a BaseException so that a script's `except Exception:` cannot swallow it."""


class _NeverRaised(BaseException):
    """Handed to except clauses while an uncatchable exception unwinds, so that none of them matches."""


# --------------------------------------------------------------------------------------------------
# Registered functions


_registry: dict[str, Callable[..., Any]] = {}
_registry_lock = threading.Lock()


def register_function(name: str, fn: Callable[..., Any]) -> None:
    """Make fn callable by name from every script and expression (application-registered helpers)."""
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise ValueError(f"'{name}' cannot be a script function name: "
                         "use a plain identifier that does not start with '_'")
    if name in _BUILTINS:
        raise ValueError(f"'{name}' would hide the sandbox built-in of the same name")
    if not callable(fn):
        raise TypeError(f"register_function('{name}', ...) needs a callable")
    with _registry_lock:
        _registry[name] = fn


def registered_functions() -> dict[str, Callable[..., Any]]:
    """Return a copy of the functions registered for scripts, by name."""
    with _registry_lock:
        return dict(_registry)


# --------------------------------------------------------------------------------------------------
# Compilation


_GUARDED_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<",
}


class _SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, tightened for process scripts and for a time budget scripts cannot dodge."""

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "import statements are not allowed in process scripts; "
                         "use the helper functions the application provides")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self.error(node, "import statements are not allowed in process scripts; "
                         "use the helper functions the application provides")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed in process scripts")
        return node

    def visit_With(self, node: ast.With) -> ast.AST:
        # An __exit__ would run sandboxed code after the time budget stopped the script.
        self.error(node, "'with' blocks are not allowed in process scripts")
        return node

    def visit_Yield(self, node: ast.Yield) -> ast.AST:
        # A generator's clean-up code could run later, outside the sandbox and its time budget.
        self.error(node, "generator functions ('yield') are not allowed in process scripts")
        return node

    def visit_YieldFrom(self, node: ast.YieldFrom) -> ast.AST:
        self.error(node, "generator functions ('yield from') are not allowed in process scripts")
        return node

    def visit_Try(self, node: ast.Try) -> ast.AST:
        if node.finalbody:
            # A finally block would run while the budget stop unwinds, untraced (an endless loop there
            # would never be stopped).
            self.error(node, "'finally' blocks are not allowed in process scripts")
        return self.node_contents_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.AST:
        if node.type is not None and not _names_exception_classes(node.type):
            self.error(node, "an except clause may only name exception classes, "
                             "e.g. 'except (KeyError, ValueError):'")
            return node
        handler = super().visit_ExceptHandler(node)
        assert isinstance(handler, ast.ExceptHandler)  # RestrictedPython returns the node it was given
        handler.type = self._guarded_exception_type(handler)
        return handler

    def _guarded_exception_type(self, node: ast.ExceptHandler) -> ast.expr:
        # `except X:` becomes `except _except_(lambda: X):`, so X is not even evaluated (it could
        # raise a catchable NameError/TypeError instead) while the budget stop unwinds.
        thunk: ast.expr = ast.Constant(None)
        if node.type is not None:
            thunk = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                                                  kw_defaults=[], kwarg=None, defaults=[]), body=node.type)
            copy_locations(thunk, node.type)
        call = ast.Call(func=ast.Name("_except_", ast.Load()), args=[thunk], keywords=[])
        for new in (call, call.func, thunk):
            copy_locations(new, node.type if node.type is not None else node)
        return call

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = _GUARDED_BINOPS.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(func=ast.Name("_binop_", ast.Load()),
                        args=[ast.Constant(symbol), node.left, node.right], keywords=[])
        for new in (call, call.func, call.args[0]):
            copy_locations(new, node)
        return call


def _names_exception_classes(node: ast.expr) -> bool:
    """Return whether an except clause's type is only names, dotted names or tuples of them."""
    if isinstance(node, ast.Tuple):
        return all(_names_exception_classes(element) for element in node.elts)
    if isinstance(node, ast.Attribute):
        return _names_exception_classes(node.value)
    return isinstance(node, ast.Name)


@dataclass(frozen=True)
class _Compiled:
    code: types.CodeType | None
    problems: tuple[tuple[int | None, str], ...]


_cache: OrderedDict[tuple[str, str], _Compiled] = OrderedDict()
_cache_lock = threading.Lock()


def _compile(source: str, mode: Literal["exec", "eval"]) -> _Compiled:
    """Return the compiled code or the problems for source, from a bounded LRU cache."""
    if not isinstance(source, str):
        raise TypeError(f"a script or expression must be a string, not {type(source).__name__}")
    key = (source, mode)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    compiled = _compile_uncached(source, mode)
    with _cache_lock:
        _cache[key] = compiled
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def _compile_uncached(source: str, mode: Literal["exec", "eval"]) -> _Compiled:
    if mode == "eval":
        # eval() ignores leading spaces and tabs; SpiffWorkflow's TaskDataEnvironment relies on eval().
        result = compile_restricted_eval(source.lstrip(" \t"), SANDBOX_FILENAME, policy=_SandboxPolicy)
    elif mode == "exec":
        result = compile_restricted_exec(source, SANDBOX_FILENAME, policy=_SandboxPolicy)
    else:
        raise ValueError(f"mode must be 'exec' or 'eval', not {mode!r}")
    problems = tuple(dict.fromkeys(_parse_problem(error) for error in result.errors))
    return _Compiled(None if problems else result.code, problems)


def _parse_problem(error: str) -> tuple[int | None, str]:
    """Split RestrictedPython's 'Line 3: message' into (3, 'message')."""
    head, _, message = error.partition(": ")
    if head.startswith("Line ") and message:
        number = head[len("Line "):]
        return (int(number) if number.isdigit() else None), message
    return None, error


def check_source(source: str, mode: Literal["exec", "eval"]) -> list[tuple[int | None, str]]:
    """Return the problems (line, message) RestrictedPython finds when compiling source; empty when it compiles."""  # noqa: E501
    return list(_compile(source, mode).problems)


def _code_or_refuse(source: str, mode: Literal["exec", "eval"]) -> types.CodeType:
    """Return the compiled code for source or raise ScriptRefused listing its problems."""
    compiled = _compile(source, mode)
    if compiled.code is not None:
        return compiled.code
    line = compiled.problems[0][0]
    messages = [message if number in (line, None) else f"line {number}: {message}"
                for number, message in compiled.problems]
    raise ScriptRefused("; ".join(messages), line, list(compiled.problems))


# --------------------------------------------------------------------------------------------------
# Run-time guards


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
    return getattr(obj, name)


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


_SEQUENCES = (str, bytes, list, tuple)


def _check_size(symbol: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would exceed MAX_SEQUENCE_LENGTH items or MAX_INT_BITS bits."""
    if symbol in ("*", "*=") and isinstance(left, int) and isinstance(right, _SEQUENCES):
        left, right = right, left
    too_big = False
    if symbol in ("*", "*="):
        if isinstance(left, _SEQUENCES) and isinstance(right, int):
            too_big = len(left) * right > MAX_SEQUENCE_LENGTH
        elif isinstance(left, int) and isinstance(right, int):
            too_big = left.bit_length() + right.bit_length() > MAX_INT_BITS
    elif symbol in ("+", "+="):
        too_big = (isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES)
                   and len(left) + len(right) > MAX_SEQUENCE_LENGTH)
    elif symbol in ("**", "**="):
        too_big = (isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1
                   and right * math.log2(abs(left)) > MAX_INT_BITS)
    elif symbol in ("<<", "<<="):
        too_big = (isinstance(left, int) and isinstance(right, int) and left != 0
                   and left.bit_length() + right > MAX_INT_BITS)
    if too_big:
        raise SandboxViolation(f"the result of '{symbol}' would be larger than a process script may build "
                               f"({MAX_SEQUENCE_LENGTH} items or {MAX_INT_BITS} bits)")


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "*": operator.mul, "**": operator.pow, "<<": operator.lshift,
}
_IN_PLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _binop(symbol: str, left: Any, right: Any) -> Any:
    _check_size(symbol, left, right)
    return _BINARY[symbol](left, right)


def _inplacevar(symbol: str, target: Any, value: Any) -> Any:
    # RestrictedPython turns `n += 1` into `n = _inplacevar_('+=', n, 1)`.
    _check_size(symbol, target, value)
    return _IN_PLACE[symbol](target, value)


def _guarded_pow(base: Any, exponent: Any, mod: Any = None) -> Any:
    if mod is None:
        _check_size("**", base, exponent)
    return pow(base, exponent, mod)


#: Exceptions no script may catch. RecursionError and MemoryError can be raised inside the trace hook,
#: and CPython then removes the hook: a script that caught them could loop on without a time budget.
_UNCATCHABLE = (_BudgetExceeded, RecursionError, MemoryError)


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
        "sum": sum, "min": min, "max": max, "sorted": sorted, "reversed": reversed, "any": any, "all": all,
        "enumerate": enumerate, "zip": zip, "next": next, "dict": dict, "list": list, "set": set,
        "frozenset": frozenset, "tuple": tuple, "range": _limited_range, "pow": _guarded_pow,
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


_BUILTINS = _build_builtins()

#: Names RestrictedPython's compiled code calls; they override task data of the same name.
_RUNTIME_GLOBALS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": _guarded_getattr,
    "_getitem_": _guarded_getitem,
    "_getiter_": _guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,  # lets scripts write into dicts and lists, nothing else
    "_inplacevar_": _inplacevar,
    "_apply_": _apply,
    "_print_": PrintCollector,  # print() works; the output goes to the debug log
    "_binop_": _binop,
    "_except_": _except,
}


# --------------------------------------------------------------------------------------------------
# Time budget


class _Budget:
    """A trace hook that stops sandboxed frames once the deadline has passed."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def on_call(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != SANDBOX_FILENAME:
            return None  # registered functions and guards are trusted code: not traced
        # Per-opcode events: a one-line loop emits no 'line' events on CPython 3.11.
        frame.f_trace_opcodes = True
        return self.on_step(frame, event, arg)

    def on_step(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > self.deadline:
            # CPython removes a trace hook that raises; the policy makes sure no script code
            # (finally, __exit__, except-clause expressions) can run while this unwinds.
            raise _BudgetExceeded
        return self.on_step


@contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    previous = sys.gettrace()
    sys.settrace(_Budget(seconds).on_call)
    try:
        yield
    finally:
        sys.settrace(previous)


# --------------------------------------------------------------------------------------------------
# Task data


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
        same = type(value) is list and all(new is old for new, old in zip(items, value))
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


def _keep_only_data(context: dict[str, Any], before: Mapping[str, Any]) -> list[str]:
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


# --------------------------------------------------------------------------------------------------
# Environment and engine


class SandboxEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """Task-data environment whose evaluate/execute run RestrictedPython-compiled code with safe builtins and guards."""  # noqa: E501

    def __init__(self, extra_globals: dict[str, Any] | None = None, step_budget_seconds: float = 2.0) -> None:
        super().__init__(dict(extra_globals or {}))
        self.step_budget_seconds = step_budget_seconds

    def functions(self) -> dict[str, Any]:
        """Return the registered functions plus this environment's extra globals (extras win)."""
        return {**registered_functions(), **self.globals}

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        """Return the value of expression over the task data (context) and external_context."""
        code = _code_or_refuse(expression, "eval")
        self._prepare_context(context)
        scope = self.functions()
        scope.update(external_context or {})
        scope.update(context)
        scope.update(_RUNTIME_GLOBALS)
        return self._run(code, scope, materialize=True)

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        """Run script with the task data (context) as its variables and keep the variables it leaves."""
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = _code_or_refuse(script, "exec")
        before = dict(context)
        self._prepare_context(context)
        context.update(self.functions())
        context.update(external)
        context.update(_RUNTIME_GLOBALS)
        try:
            self._run(code, context, materialize=False)
        finally:
            self._log_printed(context)
            self._remove_globals_and_functions_from_context(context, external, before)
            problems = _keep_only_data(context, before)
        if problems:
            raise TaskDataInvalid("the script left values that cannot be stored: " + "; ".join(problems))
        return True

    def check_for_overwrite(self, context: dict[str, Any], external_context: dict[str, Any]) -> None:
        """Raise ValueError when task data would hide a registered function or an external value."""
        clashes = (set(self.functions()) | set(external_context)).intersection(context)
        if clashes:
            raise ValueError("You have task data that overwrites a predefined function(s). Please change the "
                             f"following variable or field name(s) to something else: {sorted(clashes)}")

    def _remove_globals_and_functions_from_context(self, context: dict[str, Any],
                                                   external_context: Mapping[str, Any] | None = None,
                                                   before: Mapping[str, Any] | None = None) -> None:
        """Remove what execute added (functions, externals, guards, builtins) and what cannot be stored."""
        added = set(self.functions()) | set(external_context or {}) | set(_RUNTIME_GLOBALS)
        for key in list(context):
            value = context[key]
            # Names starting with '_' that were not there before come from RestrictedPython (e.g. _print).
            generated = key.startswith("_") and (before is None or key not in before)
            if key in added or generated or callable(value) or isinstance(value, types.ModuleType):
                del context[key]

    def _run(self, code: types.CodeType, scope: dict[str, Any], materialize: bool) -> Any:
        """Run code within the time budget; a lazy result is consumed inside the budget too."""
        try:
            with _time_budget(self.step_budget_seconds):
                result = eval(code, scope)  # noqa: S307 - RestrictedPython-compiled code with guarded globals
                if materialize and isinstance(result, Iterator):
                    result = list(result)
                return result
        except _BudgetExceeded as stop:
            # Keep the sandboxed frames in the traceback: SpiffWorkflow reads the script line from them.
            budget = f"{self.step_budget_seconds:g} s"
            raise ScriptTimeout(f"the script ran longer than its time budget of {budget} and was stopped"
                                ).with_traceback(stop.__traceback__) from None

    @staticmethod
    def _log_printed(context: Mapping[str, Any]) -> None:
        collector = context.get("_print")
        if isinstance(collector, PrintCollector) and collector.txt:
            logger.debug("script printed: %s", collector())


class SandboxScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """A PythonScriptEngine whose errors always carry a readable message and, when known, the script line."""

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        """Evaluate expression over the task's data; failures become WorkflowTaskException with the cause."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as error:
            error.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as error:
            raise WorkflowTaskException(f"Error evaluating expression '{expression}': {_describe(error)}",
                                        task=task, exception=error) from error

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Exception:
        """Return the WorkflowTaskException for a failed script, with its message and script line."""
        line_number, error_line = _locate(script, err)
        if isinstance(err, SpiffWorkflowException):
            err.line_number = line_number
            err.error_line = error_line
            err.add_note(f"Python script error on line {line_number}: '{error_line}'")
            return cast(Exception, err)
        wrapped: Exception = WorkflowTaskException(_describe(err), task=task, exception=err,
                                                   line_number=line_number, error_line=error_line)
        return wrapped


def _describe(error: BaseException) -> str:
    if isinstance(error, ScriptRefused):
        return f"the script was refused: {error}"
    return f"{type(error).__name__}: {error}"


def _locate(script: str, error: BaseException) -> tuple[int, str]:
    """Return the script line (1-based, 0 if unknown) where error happened, and its text."""
    line = 0
    if isinstance(error, ScriptRefused):
        line = error.line or 0
    else:
        trace = error.__traceback__
        while trace is not None:
            if trace.tb_frame.f_code.co_filename == SANDBOX_FILENAME:
                line = trace.tb_lineno
            trace = trace.tb_next
    lines = script.splitlines() if isinstance(script, str) else []
    return line, (lines[line - 1] if 0 < line <= len(lines) else "")


def make_script_engine(extra_globals: dict[str, Any] | None = None) -> PythonScriptEngine:
    """Return a PythonScriptEngine using SandboxEnvironment (attach it to every BpmnWorkflow after create or deserialize)."""  # noqa: E501
    return SandboxScriptEngine(environment=SandboxEnvironment(extra_globals))


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


for _name, _helper in (("now_iso", now_iso), ("today_iso", today_iso), ("date_add", date_add),
                       ("days_between", days_between)):
    register_function(_name, _helper)
del _name, _helper
