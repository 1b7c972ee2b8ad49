"""Translate what Camunda Modeler users write (JUEL, ISO 8601 timer text) to Python for SpiffWorkflow.

Translation happens once, at deploy time. Every output is a self-contained Python expression made of
operators, literals and task-data names only: it runs in a restricted sandbox without helper functions.
The FEEL translators for DMN tables live in `engine.feel` and are re-exported here.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .feel import feel_expression_to_python as feel_expression_to_python
    from .feel import feel_literal_to_python as feel_literal_to_python
    from .feel import feel_unary_to_python as feel_unary_to_python

__all__ = [
    "ExpressionError", "check_timer_value", "feel_expression_to_python", "feel_literal_to_python",
    "feel_unary_to_python", "is_literal", "juel_to_python", "timer_to_python",
]


class ExpressionError(ValueError):
    """Raised when an expression cannot be translated; str(e) is a clear message for a process owner."""


def __getattr__(name: str) -> Callable[[str], str | None]:
    """Return a FEEL translator from engine.feel (imported lazily: engine.feel imports this module)."""
    if name in ("feel_unary_to_python", "feel_literal_to_python", "feel_expression_to_python"):
        from . import feel

        translator: Callable[[str], str | None] = getattr(feel, name)
        return translator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- Python output helpers, shared with engine.feel ---------------------------------------------------------

# Python precedence levels, lowest first: an operand that binds less tightly than its slot gets parentheses.
P_OR, P_AND, P_NOT, P_CMP, P_ADD, P_MUL, P_UNARY, P_POSTFIX, P_ATOM = 1, 2, 3, 4, 9, 10, 11, 13, 14


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


# --- JUEL ---------------------------------------------------------------------------------------------------

class Token(NamedTuple):
    """A lexical token: kind is 'num', 'str', 'word', 'op' or 'eof'; pos is its offset in the source."""

    kind: str
    text: str
    pos: int


_JUEL_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<word>(?:[^\W\d]|\$)(?:\w|\$)*)
  | (?P<op>==|!=|<=|>=|&&|\|\||->|\+=|\S)
""", re.VERBOSE | re.DOTALL)

_JUEL_KEYWORDS = frozenset({"and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "empty",
                            "true", "false", "null", "instanceof"})
_OR = {"||": "or", "or": "or"}
_AND = {"&&": "and", "and": "and"}
_EQUALITY = {"==": "==", "eq": "==", "!=": "!=", "ne": "!="}
_RELATIONAL = {"<": "<", "lt": "<", ">": ">", "gt": ">", "<=": "<=", "le": "<=", ">=": ">=", "ge": ">="}
_ADDITIVE = {"+": "+", "-": "-"}
_MULTIPLICATIVE = {"*": "*", "/": "/", "div": "/", "%": "%", "mod": "%"}
_CONSTANTS = {"true": "True", "false": "False", "null": "None"}
_UNSUPPORTED = {
    "=": "assignment '=' is not supported (compare with '==' or 'eq')",
    "&": "'&' is not an operator (use '&&' or 'and')",
    "|": "'|' is not an operator (use '||' or 'or')",
    "{": "map and set literals '{...}' are not supported",
    "[": "list literals '[...]' are not supported",
    "->": "lambda expressions are not supported",
    "+=": "string concatenation '+=' is not supported",
    ";": "several expressions separated by ';' are not supported",
    "instanceof": "'instanceof' is not supported",
}
# JUEL `empty` is true for null, '' and empty collections, not for 0 or false as Python's `not x` would be.
_EMPTY_VALUES = '(None, "", [], {})'


def _juel_string(token: str) -> str:
    """Return the value of a JUEL string literal (only \\\\, \\' and \\" are escapes, as in JUEL)."""
    return re.sub(r"\\(.)", lambda m: m[1] if m[1] in "\\'\"" else m[0], token[1:-1], flags=re.DOTALL)


def _juel_tokens(source: str, start: int) -> tuple[list[Token], int]:
    """Return the tokens of the ${...} body starting at start, and the offset just after its closing '}'."""
    tokens: list[Token] = []
    pos = start
    while pos < len(source):
        match = _JUEL_TOKEN.match(source, pos)
        assert match is not None and match.lastgroup is not None  # the \S alternative matches any character
        kind, text, pos = match.lastgroup, match[0], match.end()
        if kind == "op" and text in "'\"":
            raise ExpressionError(f"a string is not closed (missing {text}) in {source!r}")
        if kind == "op" and text == "{":
            # Refused here: the '}' closing a map literal would otherwise end the ${...} early.
            nested = bool(tokens) and tokens[-1].text in ("$", "#")
            raise ExpressionError(("nested ${...} is not supported" if nested else _UNSUPPORTED["{"])
                                  + f" in {source!r}")
        if kind == "op" and text == "}":
            tokens.append(Token("eof", "", match.start()))
            return tokens, pos
        if kind != "space":
            tokens.append(Token("word" if kind == "word" else kind, text, match.start()))
    raise ExpressionError(f"'{source[start - 2:start]}' is not closed with '}}' in {source!r}")


class _JuelParser:
    """Recursive-descent parser over JUEL tokens that returns Python code, with JUEL precedence."""

    def __init__(self, tokens: list[Token], source: str) -> None:
        self.tokens = tokens
        self.index = 0
        self.source = source

    def peek(self, offset: int = 0) -> Token:
        """Return the token offset places ahead without consuming it."""
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        """Consume and return the next token."""
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def error(self, problem: str) -> ExpressionError:
        """Return an error naming the problem and the whole expression."""
        return ExpressionError(f"{problem} in {self.source!r}")

    def expect(self, text: str) -> None:
        """Consume the token text or fail."""
        if self.peek().text != text:
            raise self.unexpected(f"expected '{text}'")
        self.advance()

    def unexpected(self, wanted: str) -> ExpressionError:
        """Return the error for the next token, which does not fit where it stands."""
        token = self.peek()
        if token.kind == "eof":
            return self.error(f"the expression is incomplete ({wanted})")
        if token.text in _UNSUPPORTED:
            return self.error(_UNSUPPORTED[token.text])
        return self.error(f"unexpected '{token.text}' ({wanted})")

    def parse(self) -> str:
        """Return the Python code of the whole expression."""
        if self.peek().kind == "eof":
            raise self.error("the expression is empty")
        result = self.ternary()
        if self.peek().kind != "eof":
            raise self.unexpected("expected an operator or the end")
        return result.code

    def ternary(self) -> Py:
        """Parse `cond ? then : else` (right-associative, lowest precedence)."""
        condition = self.binary(0)
        # String tokens keep their quotes, so comparing token text never mistakes a string for an operator.
        if self.peek().text != "?":
            return condition
        self.advance()
        then = self.ternary()
        self.expect(":")
        other = self.ternary()
        return Py(f"({wrap(then, P_OR)} if {wrap(condition, P_OR)} else {other.code})", P_ATOM)

    def binary(self, level: int) -> Py:
        """Parse the left-associative binary operators of level and tighter."""
        operators, prec = _LEVELS[level]
        left = self.binary(level + 1) if level + 1 < len(_LEVELS) else self.unary()
        while self.peek().text in operators:
            operator = operators[self.advance().text]
            right = self.binary(level + 1) if level + 1 < len(_LEVELS) else self.unary()
            left = _combine(left, operator, right, prec)
        return left

    def unary(self) -> Py:
        """Parse unary minus, `!`/`not` and `empty`."""
        token = self.peek()
        if token.text == "-":
            self.advance()
            return Py(f"-{wrap(self.unary(), P_UNARY)}", P_UNARY)
        if token.text in ("!", "not"):
            self.advance()
            return _negation(self.unary())
        if token.text == "empty":
            self.advance()
            return _empty(self.unary())
        return self.postfix()

    def postfix(self) -> Py:
        """Parse a primary value followed by `.name` and `[index]` accesses."""
        start = self.peek().pos
        value = self.primary()
        while self.peek().text in (".", "["):
            if self.advance().text == "[":
                index = self.ternary()
                self.expect("]")
                value = subscript(value, index)
                continue
            name = self.advance()
            if name.kind != "word":
                raise self.unexpected("expected a property name after '.'")
            if self.peek().text == "(":
                raise self.error(f"method call '{self.source[start:self.peek().pos]}(...)' is not supported "
                                 "(use variables, literals and operators only)")
            value = subscript(value, python_string(name.text))
        if self.peek().text == "(":
            raise self.error(f"calling '{self.source[start:self.peek().pos]}' is not supported")
        return value

    def primary(self) -> Py:
        """Parse a literal, a variable name or a parenthesized expression."""
        token = self.peek()
        if token.kind == "num":
            self.advance()
            return python_number(token.text, self.source)
        if token.kind == "str":
            self.advance()
            return python_string(_juel_string(token.text))
        if token.text == "(":
            self.advance()
            inner = self.ternary()
            self.expect(")")
            return Py(inner.code, inner.prec, negated=inner.negated)
        if token.kind == "word" and token.text in _CONSTANTS:
            self.advance()
            return Py(_CONSTANTS[token.text], P_ATOM)
        if token.kind == "word" and token.text not in _JUEL_KEYWORDS:
            return self.variable()
        raise self.unexpected("expected a value")

    def variable(self) -> Py:
        """Parse a variable name, refusing function calls such as `fn(x)` or `ns:fn(x)`."""
        token = self.advance()
        is_prefixed = self.peek().text == ":" and self.peek(1).kind == "word" and self.peek(2).text == "("
        if self.peek().text == "(" or is_prefixed:
            end = self.peek(2 if is_prefixed else 0).pos
            raise self.error(f"function call '{self.source[token.pos:end]}(...)' is not supported "
                             "(use variables, literals and operators only)")
        if "$" in token.text:
            raise self.error(f"'$' is not allowed in variable names ('{token.text}')")
        return python_name(token.text, self.source)


# Binary operator levels from loosest to tightest, as in the JUEL (EL 2.2) grammar.
_LEVELS: list[tuple[dict[str, str], int]] = [
    (_OR, P_OR), (_AND, P_AND), (_EQUALITY, P_CMP), (_RELATIONAL, P_CMP), (_ADDITIVE, P_ADD),
    (_MULTIPLICATIVE, P_MUL),
]


def _combine(left: Py, operator: str, right: Py, prec: int) -> Py:
    """Return `left operator right` with the parentheses Python needs to keep JUEL's grouping."""
    if prec == P_CMP:
        # Python chains comparisons (a == b < c) where JUEL nests them, so both operands need parentheses.
        if operator in ("==", "!=") and "None" in (left.code, right.code):
            operator = "is" if operator == "==" else "is not"
        return Py(f"{wrap(left, P_CMP + 1)} {operator} {wrap(right, P_CMP + 1)}", P_CMP)
    return Py(f"{wrap(left, prec)} {operator} {wrap(right, prec + 1)}", prec)


def _negation(operand: Py) -> Py:
    """Return `not operand`."""
    if operand.negated is not None:
        return Py(operand.negated, P_CMP)
    return Py(f"not {wrap(operand, P_NOT)}", P_NOT)


def _empty(operand: Py) -> Py:
    """Return JUEL `empty operand`: true for null, '' and empty lists/maps, and for a missing map key."""
    value = wrap(operand, P_CMP + 1)
    if not operand.path:
        return Py(f"{value} in {_EMPTY_VALUES}", P_CMP, negated=f"{value} not in {_EMPTY_VALUES}")
    # JUEL reads a missing key or a null container in a.b.c as null, where Python would raise.
    checks = [f"{container} is None or {key} not in {container}" for container, key in operand.path]
    return Py(" or ".join([*checks, f"{value} in {_EMPTY_VALUES}"]), P_OR)


def juel_to_python(text: str) -> str:
    """Translate a Camunda JUEL expression `${...}` (or `#{...}`) to a Python expression; text without `${` is returned stripped, unchanged (plain Python is accepted)."""
    source = text.strip()
    if "${" not in source and "#{" not in source:
        return source
    if not source.startswith(("${", "#{")):
        raise ExpressionError(f"{source!r} mixes text with ${{...}}: the value must be exactly one ${{...}} "
                              "expression (text templates are not supported)")
    tokens, end = _juel_tokens(source, 2)
    if end < len(source):
        raise ExpressionError(f"{source!r} has text after the closing '}}': the value must be exactly one "
                              "${...} expression (text templates are not supported)")
    return checked(_JuelParser(tokens, source).parse(), source)


# --- ISO 8601 timers ----------------------------------------------------------------------------------------

# Strict subsets of what SpiffWorkflow's timer module parses: a fraction only on seconds, no comma decimals,
# weeks alone, `T` only when a time part follows, extended date format only.
_DURATION = re.compile(
    r"P\d+W|P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?")
_CYCLE = re.compile(r"R(\d*)/(.+)", re.DOTALL)
# Text of this shape is meant as ISO 8601, never as Python: quote it, or refuse it when malformed.
_ISO_SHAPE = re.compile(r"R\d*/.*|P(?=[\dT]|$)[\dA-Z.,]*|\d.*", re.DOTALL)


def _is_duration(value: str) -> bool:
    """Return True for an ISO 8601 duration such as P14D, PT12H, P1Y2M or P2W."""
    return _DURATION.fullmatch(value) is not None


def _is_date_time(value: str) -> bool:
    """Return True for an ISO 8601 calendar date or date-time with an optional offset."""
    if _DATE_TIME.fullmatch(value) is None:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_cycle(value: str) -> bool:
    """Return True for a repeating interval R[n]/duration, R[n]/start/duration or R[n]/duration/end."""
    match = _CYCLE.fullmatch(value)
    if match is None:
        return False
    parts = match[2].split("/")
    if len(parts) == 1:
        return _is_duration(parts[0])
    if len(parts) == 2:
        first, second = parts
        starts_at_date = _is_date_time(first) and _is_duration(second)
        return starts_at_date or (_is_duration(first) and _is_date_time(second))
    return False


_TIMER_KINDS: dict[str, tuple[Callable[[str], bool], str]] = {
    "timeDate": (_is_date_time, "date/time (e.g. 2027-01-31, 2027-01-31T17:00:00+08:00)"),
    "timeDuration": (_is_duration, "duration (e.g. P14D, PT12H)"),
    "timeCycle": (_is_cycle, "repeating interval (e.g. R3/P7D, R/P1D, R3/2027-01-01T08:00:00+08:00/P7D)"),
}


def check_timer_value(value: str, kind: str) -> None:
    """Raise ExpressionError unless value (the evaluated string) is a valid ISO 8601 date/time (kind 'timeDate'), duration ('timeDuration') or repeating interval ('timeCycle')."""
    if kind not in _TIMER_KINDS:
        raise ValueError(f"unknown timer kind {kind!r} (expected one of {', '.join(_TIMER_KINDS)})")
    is_valid, description = _TIMER_KINDS[kind]
    if not isinstance(value, str) or not is_valid(value):
        raise ExpressionError(f"{value!r} is not an ISO 8601 {description}")


def _guess_timer_kind(text: str) -> str:
    """Return the timer kind malformed ISO-looking text was most likely meant as, for the error message."""
    if text.startswith("R"):
        return "timeCycle"
    if text.startswith("P") or re.match(r"\d+[A-Za-z]", text):
        return "timeDuration"
    return "timeDate"


def timer_to_python(text: str) -> str:
    """Translate a BPMN timer value (timeDate, timeDuration or timeCycle text) to a Python expression SpiffWorkflow evaluates."""
    source = text.strip()
    if not source:
        raise ExpressionError("the timer has no value (e.g. P14D, 2027-01-31T17:00:00+08:00 or ${deadline})")
    if "${" in source or "#{" in source:
        return juel_to_python(source)
    if is_string_literal(source) or _ISO_SHAPE.fullmatch(source) is None:
        return source
    if not any(is_valid(source) for is_valid, _ in _TIMER_KINDS.values()):
        check_timer_value(source, _guess_timer_kind(source))
    return python_string(source).code
