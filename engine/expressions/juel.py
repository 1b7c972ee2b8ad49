"""Translate Camunda JUEL expressions (`${...}` or `#{...}`) to Python, at deploy time.

Operators, literals, task-data names and the calls Camunda users write daily are accepted: the output runs in
the restricted sandbox, where method calls and Camunda's functions go through its JUEL helpers (`juel_calls`
lists them). Other calls, lambdas and collection literals are refused.
"""

from __future__ import annotations

import re

from .juel_calls import execution_call, execution_property, function_call, method_call
from .pycode import (
    P_ADD,
    P_AND,
    P_ATOM,
    P_CMP,
    P_MUL,
    P_NOT,
    P_OR,
    P_UNARY,
    ExpressionError,
    Py,
    Token,
    TokenCursor,
    checked,
    is_string_literal,
    python_name,
    python_number,
    python_string,
    subscript,
    wrap,
)

__all__ = ["juel_template_to_python", "juel_to_python", "split_list"]

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
    "+=": "string concatenation '+=' is not supported (Camunda 7 does not run it either); "
          "build the text in a script task",
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


class _JuelParser(TokenCursor):
    """Recursive-descent parser over JUEL tokens that returns Python code, with JUEL precedence."""

    def __init__(self, tokens: list[Token], source: str) -> None:
        self.tokens = tokens
        self.index = 0
        self.source = source

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
                call = self.source[start:self.peek().pos]
                value = method_call(value, name.text, self.arguments(), call, self.source)
                continue
            value = subscript(value, python_string(name.text))
        if self.peek().text == "(":
            raise self.error(f"calling '{self.source[start:self.peek().pos]}' is not supported")
        return value

    def arguments(self) -> list[Py]:
        """Parse the parenthesized, comma-separated arguments of a call."""
        self.expect("(")
        args: list[Py] = []
        if self.peek().text != ")":
            args.append(self.ternary())
            while self.peek().text == ",":
                self.advance()
                args.append(self.ternary())
        self.expect(")")
        return args

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
        """Parse a variable name, `execution.` or a call of Camunda's functions; refuse `ns:fn(x)`."""
        token = self.advance()
        if token.text == "execution" and self.peek().text == "." and self.peek(1).kind == "word":
            self.advance()
            name = self.advance().text
            if self.peek().text == "(":
                return execution_call(name, self.arguments(), self.source)
            return execution_property(name, self.source)
        if self.peek().text == "(":
            return function_call(token.text, self.arguments(), self.source)
        is_prefixed = self.peek().text == ":" and self.peek(1).kind == "word" and self.peek(2).text == "("
        if is_prefixed:
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
    """Translate a Camunda JUEL expression `${...}` (or `#{...}`) to a Python expression.

    Text without `${` is returned stripped, unchanged (plain Python is accepted).
    """
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


_TEMPLATE_START = re.compile(r"\\?[$#]\{")


def juel_template_to_python(text: str) -> str:
    """Translate a value where Camunda allows text mixed with `${...}` (`Hello ${name}`) to Python.

    The result is text, each `${...}` turned into text as JUEL does (null becomes ''); a value that is exactly
    one `${...}` keeps the type of its value, and text without `${` is a text literal. `\\${` is a literal `${`.
    """
    source = text.strip()
    parts: list[str] = []
    literal, pos = "", 0
    while (found := _TEMPLATE_START.search(source, pos)) is not None:
        if found[0].startswith("\\"):
            literal, pos = literal + source[pos:found.start()] + found[0][1:], found.end()
            continue
        literal += source[pos:found.start()]
        if literal:
            parts.append(python_string(literal).code)
            literal = ""
        tokens, pos = _juel_tokens(source, found.end())
        parts.append(_JuelParser(tokens, source).parse())
    literal += source[pos:]
    if literal or not parts:
        parts.append(python_string(literal).code)
    if len(parts) == 1 and not is_string_literal(parts[0]):
        return checked(parts[0], source)  # exactly one ${...}: its value as it is
    return checked(" + ".join(part if is_string_literal(part) else f"juel_text({part})" for part in parts), source)


def split_list(text: str) -> list[str]:
    """Split a Camunda candidate list on top-level commas: each item is a name or one `${...}`."""
    items, depth, current = [], 0, ""
    for char in text:
        if char == "{" and current.rstrip().endswith(("$", "#")):
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    items.append(current.strip())
    return [item for item in items if item]
