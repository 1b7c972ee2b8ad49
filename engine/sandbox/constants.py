"""Constant expressions that could never run within bounds, found at validation (`kinerja bpmn validate`, deploy).

The policy folds constant sub-expressions (`2**99990 - 1`, `'%300000000d' % 1`, `'x'.ljust(10**9)`,
`f'{1:300000000}'`) and runs the same size checks as run time on them, so such a script is refused before
it is deployed instead of failing as an incident.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from .errors import SandboxViolation
from .methods import guard_method
from .sizes import check_binop, check_format_spec, check_modpow, check_round

#: The value of an expression that is not a constant (or whose folding was refused).
UNKNOWN: Any = object()

_OPERATORS: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add), ast.Sub: ("-", operator.sub), ast.Mult: ("*", operator.mul),
    ast.Pow: ("**", operator.pow), ast.LShift: ("<<", operator.lshift), ast.Mod: ("%", operator.mod),
    ast.FloorDiv: ("//", operator.floordiv), ast.RShift: (">>", operator.rshift),
    ast.BitOr: ("|", operator.or_), ast.BitAnd: ("&", operator.and_), ast.BitXor: ("^", operator.xor),
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert,
}


class ConstantFolder:
    """Folds constant expressions once each (memoised by node) and records the first refusal per node."""

    def __init__(self) -> None:
        self._values: dict[int, Any] = {}
        self._keep: list[ast.AST] = []  # keeps folded nodes alive so their ids stay unique

    def problem(self, node: ast.AST) -> str | None:
        """Return why node, a constant expression, could never run within bounds; None when it could."""
        try:
            self._fold_here(node)
        except SandboxViolation as refusal:
            return f"the constant expression {_source(node)} cannot run: {refusal}"
        except Exception:
            return None  # e.g. 1 / 0: an ordinary error at run time, not a bound
        return None

    def value(self, node: ast.AST) -> Any:
        """Return node's constant value, or UNKNOWN."""
        key = id(node)
        if key not in self._values:
            self._keep.append(node)
            try:
                self._values[key] = self._fold_here(node)
            except Exception:
                self._values[key] = UNKNOWN
        return self._values[key]

    def _fold_here(self, node: ast.AST) -> Any:
        """Fold node from its children's values; raise SandboxViolation when its own step is refused."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            operand = self.value(node.operand)
            return UNKNOWN if operand is UNKNOWN else _UNARY[type(node.op)](operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = self.value(node.left), self.value(node.right)
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            symbol, apply = _OPERATORS[type(node.op)]
            check_binop(symbol, left, right)
            return apply(left, right)
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.value(item) for item in node.elts]
            if any(item is UNKNOWN for item in items):
                return UNKNOWN
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Call) and not node.keywords:
            return self._fold_call(node)
        if isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
            parts = [self.value(part) for part in node.format_spec.values]
            if all(isinstance(part, str) for part in parts):
                check_format_spec("".join(parts))
        return UNKNOWN

    def _fold_call(self, node: ast.Call) -> Any:
        args = [self.value(arg) for arg in node.args]
        if any(arg is UNKNOWN for arg in args):
            return UNKNOWN
        if isinstance(node.func, ast.Name) and node.func.id == "pow" and len(args) == 3:
            check_modpow(*args)
        elif isinstance(node.func, ast.Name) and node.func.id == "round" and len(args) == 2:
            check_round(*args)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Constant):
            receiver = node.func.value.value
            if isinstance(receiver, (str, bytes, int)) and not node.func.attr.startswith("_"):
                method = getattr(receiver, node.func.attr, None)
                if method is not None and guard_method(receiver, node.func.attr, method) is not method:
                    guard_method(receiver, node.func.attr, method)(*args)  # refuses when too large
        return UNKNOWN


def _source(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except ValueError:  # an integer too long to print
        return "here"
    return f"`{text}`" if len(text) <= 60 else f"`{text[:57]}...`"
