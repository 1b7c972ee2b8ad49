"""Compile-time policy: RestrictedPython with a stricter transformer, a bounded compile cache, check_source."""

from __future__ import annotations

import ast
import threading
import types
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations

from .constants import ConstantFolder
from .errors import ScriptRefused

#: SpiffWorkflow finds the failing script line by looking for this file name in the traceback.
SANDBOX_FILENAME = "<string>"
_CACHE_SIZE = 4096


_GUARDED_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%",
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

    def _refuse_unbounded_constant(self, node: ast.expr) -> None:
        """Report a constant expression that could never run within the size bounds (at validation)."""
        if not hasattr(self, "_folder"):
            self._folder = ConstantFolder()
        problem = self._folder.problem(node)
        if problem:
            self.error(node, problem)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self._refuse_unbounded_constant(node)
        call = super().visit_Call(node)
        assert isinstance(call, ast.AST)  # RestrictedPython returns one node for a call
        return call

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        # f'{x:>{width}}' becomes f'{_format_(x, -1, f">{width}")}': the width is checked before formatting.
        self._refuse_unbounded_constant(node)
        node = self.node_contents_visit(node)
        spec: ast.expr = node.format_spec if node.format_spec is not None else ast.Constant("")
        call = ast.Call(func=ast.Name("_format_", ast.Load()),
                        args=[node.value, ast.Constant(node.conversion), spec], keywords=[])
        for new in (call, call.func, call.args[1], spec):
            copy_locations(new, node)
        node.value, node.conversion, node.format_spec = call, -1, None
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self._refuse_unbounded_constant(node)
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
    """Return the problems (line, message) RestrictedPython finds when compiling source; empty when it compiles."""
    return list(_compile(source, mode).problems)


def code_or_refuse(source: str, mode: Literal["exec", "eval"]) -> types.CodeType:
    """Return the compiled code for source or raise ScriptRefused listing its problems."""
    compiled = _compile(source, mode)
    if compiled.code is not None:
        return compiled.code
    line = compiled.problems[0][0]
    messages = [message if number in (line, None) else f"line {number}: {message}"
                for number, message in compiled.problems]
    raise ScriptRefused("; ".join(messages), line, list(compiled.problems))
