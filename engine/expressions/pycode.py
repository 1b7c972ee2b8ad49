"""Building Python expression code: what the JUEL, FEEL and ISO 8601 timer translators share.

Generated code is a self-contained Python expression made of operators, literals and task-data names only.
`Py` carries a piece of code with the precedence of its outermost operator, so that operands get exactly the
parentheses they need.
"""

from __future__ import annotations

import ast
import keyword
import math
from typing import NamedTuple

__all__ = [
    "P_ADD", "P_AND", "P_ATOM", "P_CMP", "P_MUL", "P_NOT", "P_OR", "P_POSTFIX", "P_UNARY", "ExpressionError",
    "Py", "Token", "checked", "is_literal", "is_string_literal", "python_name", "python_number",
    "python_string", "subscript", "wrap",
]


class ExpressionError(ValueError):
    """Raised when an expression cannot be translated; str(e) is a clear message for a process owner."""


class Token(NamedTuple):
    """A lexical token: kind is 'num', 'str', 'word', 'op' or 'eof'; pos is its offset in the source."""

    kind: str
    text: str
    pos: int


# Python precedence levels, lowest first: an operand that binds less tightly than its slot gets parentheses.
P_OR, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_UNARY, P_POSTFIX, P_ATOM = 1, 2, 3, 4, 9, 10, 11, 13, 14


class TokenCursor:
    """A position in a token list, shared by the JUEL and FEEL parsers (the last token is the end)."""

    tokens: list[Token]
    index: int

    def peek(self, offset: int = 0) -> Token:
        """Return the token offset places ahead without consuming it."""
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Consume and return the next token."""
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token


class Py(NamedTuple):
    """A piece of generated Python with the precedence of its outermost operator."""

    code: str
    prec: int
    # (container code, key literal) for each string-key step of a name path like a.b.c; None when not a path.
    path: tuple[tuple[str, str], ...] | None = None
    # Cheaper code for the logical negation, when there is one (x not in ... rather than not x in ...).
    negated: str | None = None


def wrap(expr: Py, min_prec: int) -> str:
    """Return the code of expr, parenthesized when it binds less tightly than min_prec."""
    return expr.code if expr.prec >= min_prec else f"({expr.code})"


def python_string(value: str) -> Py:
    """Return a double-quoted Python literal for value that contains no quote character inside."""
    # Inner quotes are hex-escaped: SpiffWorkflow's DMN engine finds `?` with a regex that counts quotes.
    chars = []
    for char in value:
        if char == "\\":
            chars.append("\\\\")
        elif char in "\"'":
            chars.append(f"\\x{ord(char):02x}")
        elif char.isprintable():
            chars.append(char)
        else:
            chars.append(repr(char)[1:-1])
    return Py('"' + "".join(chars) + '"', P_ATOM)


def python_number(text: str, source: str) -> Py:
    """Return the Python literal for a decimal number token."""
    if text.isdigit():
        return Py(str(int(text)), P_ATOM)
    number = float(text)
    if not math.isfinite(number):
        raise ExpressionError(f"the number {text} is too large in {source!r}")
    return Py(repr(number), P_ATOM)


def python_name(name: str, source: str) -> Py:
    """Return name as a Python variable after checking that Python and the sandbox accept it."""
    if "$" in name or not name.isidentifier():
        raise ExpressionError(f"'{name}' is not a valid variable name in {source!r}")
    if keyword.iskeyword(name):
        raise ExpressionError(f"'{name}' cannot be a variable name (it is a Python keyword) in {source!r}")
    if name.startswith("_"):
        raise ExpressionError(f"variable names may not start with '_' ('{name}') in {source!r}")
    return Py(name, P_ATOM, path=())


def subscript(base: Py, key: Py) -> Py:
    """Return base[key], remembering string-key steps of a name path for safe `empty` checks."""
    code = f"{wrap(base, P_POSTFIX)}[{key.code}]"
    if base.path is None or not is_string_literal(key.code):
        return Py(code, P_POSTFIX)
    return Py(code, P_POSTFIX, path=(*base.path, (base.code, key.code)))


def is_string_literal(code: str) -> bool:
    """Return True when code is a single Python string literal."""
    try:
        node = ast.parse(code.strip(), mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def is_literal(text: str) -> bool:
    """Return True when translated text is a constant literal whose value can be checked at deploy time."""
    try:
        ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def checked(code: str, source: str) -> str:
    """Return code after making sure it parses as one Python expression."""
    try:
        ast.parse(code, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"{source!r} could not be translated to Python ({error.msg})") from error
    return code

