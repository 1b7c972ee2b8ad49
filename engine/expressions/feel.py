"""Translate the FEEL that Camunda Modeler writes in DMN tables to Python for SpiffWorkflow's DMN engine.

SpiffWorkflow replaces `?` in an input entry by the input value; an entry without `?` is glued to the input
expression as text, so every translated input entry contains `?`. Comparisons and ranges are false for a null
input, as in FEEL, instead of raising a TypeError in Python.
"""

from __future__ import annotations

from typing import NamedTuple

from .feel_lexer import feel_string, feel_tokens
from .juel import juel_to_python
from .juel_calls import WORKDAY_FUNCTIONS, function_call
from .pycode import (
    P_ADD,
    P_AND,
    P_ATOM,
    P_CMP,
    P_MUL,
    P_OR,
    P_UNARY,
    ExpressionError,
    Py,
    TokenCursor,
    python_name,
    python_number,
    python_string,
    subscript,
    wrap,
)

__all__ = ["feel_expression_to_python", "feel_literal_to_python", "feel_unary_to_python"]

_CONSTANTS = {"true": "True", "false": "False", "null": "None"}
_KEYWORDS = frozenset({"not", "and", "or", "in", "between", "some", "every", "for", "if", "then", "else",
                       "function", "instance", "of", "satisfies", "return"})
_ORDERING = ("<", "<=", ">", ">=")
_RANGE_STARTS = {"[": "<=", "(": "<", "]": "<"}
_RANGE_ENDS = {"]": "<=", ")": "<", "[": "<"}
# Binary operators of simple FEEL expressions from loosest to tightest, with their Python spelling.
_LEVELS: list[tuple[dict[str, str], int]] = [
    ({"or": "or"}, P_OR), ({"and": "and"}, P_AND),
    ({"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}, P_CMP),
    ({"+": "+", "-": "-"}, P_ADD), ({"*": "*", "/": "/"}, P_MUL),
]


class _Test(NamedTuple):
    """One positive unary test: its Python code, and the compared value when it is a plain equality test."""

    code: str
    value: Py | None


class _FeelParser(TokenCursor):
    """Recursive-descent parser over FEEL tokens that returns Python code."""

    def __init__(self, source: str, role: str) -> None:
        self.source = source
        self.role = role
        self.tokens = feel_tokens(source)
        self.index = 0

    def error(self, problem: str) -> ExpressionError:
        """Return an error naming the problem and the DMN entry."""
        return ExpressionError(f"{problem} in DMN {self.role} {self.source!r}")

    def unexpected(self, wanted: str) -> ExpressionError:
        """Return the error for the next token, which does not fit where it stands."""
        token = self.peek()
        if token.kind == "eof":
            return self.error(f"the entry is incomplete ({wanted})")
        if token.kind == "word" and token.text in _KEYWORDS:
            return self.error(f"FEEL '{token.text}' is not supported")
        previous = self.tokens[self.index - 1] if self.index else None
        if previous is not None and previous.kind == "word" and token.kind == "word":
            return self.error(f"names with spaces ('{previous.text} {token.text}') are not supported")
        if previous is not None and previous.kind == "word" and token.text == "[":
            return self.error(f"FEEL filters and list indexes ('{previous.text}[...]') are not supported")
        return self.error(f"unexpected '{token.text}' ({wanted})")

    def expect(self, text: str, wanted: str) -> None:
        """Consume the token text or fail."""
        if self.peek().text != text:
            raise self.unexpected(wanted)
        self.advance()

    def expect_end(self) -> None:
        """Fail unless every token has been consumed."""
        if self.peek().kind != "eof":
            raise self.unexpected("expected the end of the entry")

    def value(self) -> Py:
        """Parse a simple value: a string, a number (maybe negative), true, false, null or a name path."""
        token = self.peek()
        if token.text == "-" and self.peek(1).kind == "num":
            self.advance()
            return Py("-" + python_number(self.advance().text, self.source).code, P_UNARY)
        if token.kind == "num":
            return python_number(self.advance().text, self.source)
        if token.kind == "str":
            return python_string(feel_string(self.advance().text))
        if token.kind == "word" and token.text in _CONSTANTS:
            return Py(_CONSTANTS[self.advance().text], P_ATOM)
        if token.kind == "word" and token.text not in _KEYWORDS:
            return self.path()
        raise self.unexpected("expected a value")

    def path(self) -> Py:
        """Parse a name or a path like a.b.c, which reads keys of dicts in task data."""
        name = self.advance()
        if self.peek().text == "(" and name.text in WORKDAY_FUNCTIONS:
            return function_call(name.text, self.arguments(), self.source)
        if self.peek().text == "(":
            hint = " (compare ISO date strings instead, e.g. < \"2027-01-31\")" if name.text in (
                "date", "time", "duration") else ""
            raise self.error(f"FEEL function calls such as '{name.text}(...)' are not supported (Kinerja knows "
                             f"{', '.join(WORKDAY_FUNCTIONS)}){hint}")
        result = python_name(name.text, self.source)
        while self.peek().text == ".":
            self.advance()
            key = self.advance()
            if key.kind != "word":
                raise self.error("expected a name after '.'")
            result = subscript(result, python_string(key.text))
        return result

    def arguments(self) -> list[Py]:
        """Parse the parenthesized, comma-separated arguments of a call."""
        self.expect("(", "expected '('")
        args: list[Py] = []
        if self.peek().text != ")":
            args.append(self.expression())
            while self.peek().text == ",":
                self.advance()
                args.append(self.expression())
        self.expect(")", "expected ')'")
        return args

    def endpoint(self, operator: str) -> Py:
        """Parse the value compared by `<`, `>=` or a range end; null cannot be ordered."""
        value = self.value()
        if value.code == "None":
            raise self.error(f"null cannot be compared with '{operator}'")
        return value

    def unary_tests(self) -> str:
        """Parse unary tests: a comma list of positive tests, or `not(...)` around such a list."""
        if self.peek().text == "not" and self.peek(1).text == "(":
            self.advance()
            self.advance()
            tests = self.positive_tests()
            self.expect(")", "expected ')' closing not(")
            self.expect_end()
            return _negation(tests)
        tests = self.positive_tests()
        self.expect_end()
        return _disjunction(tests)

    def positive_tests(self) -> list[_Test]:
        """Parse a comma-separated list of positive unary tests."""
        tests = [self.positive_test()]
        while self.peek().text == ",":
            self.advance()
            tests.append(self.positive_test())
        return tests

    def positive_test(self) -> _Test:
        """Parse one test: a comparison like `>= 20`, a range like `[1..19]`, or a value to equal."""
        token = self.peek()
        if token.text in _ORDERING:
            self.advance()
            bound = self.endpoint(token.text)
            return _Test(f"? is not None and ? {token.text} {wrap(bound, P_CMP + 1)}", None)
        if token.text in _RANGE_STARTS:
            return self.interval()
        if token.text == "=":
            raise self.error("FEEL unary tests have no '=': write the value alone (e.g. 5 or \"text\")")
        if token.text == "!=":
            raise self.error("FEEL unary tests have no '!=': write not(...) (e.g. not(5))")
        if token.text == "?":
            raise self.error("'?' is not supported: write the test alone (e.g. >= 20)")
        value = self.value()
        return _Test(_equality(value), value)

    def interval(self) -> _Test:
        """Parse a range such as [1..5], (1..5), ]1..5[ or [1..5) into a chained comparison."""
        low_operator = _RANGE_STARTS[self.advance().text]
        low = self.endpoint("..")
        self.expect("..", "expected '..' in a range such as [1..5]")
        high = self.endpoint("..")
        end = self.advance()
        if end.text not in _RANGE_ENDS:
            raise self.error("a range must end with ']', ')' or '[' (e.g. [1..5])")
        bounds = f"{wrap(low, P_CMP + 1)} {low_operator} ? {_RANGE_ENDS[end.text]} {wrap(high, P_CMP + 1)}"
        return _Test(f"? is not None and {bounds}", None)

    def expression(self, level: int = 0) -> Py:
        """Parse a simple FEEL expression: names, literals, arithmetic, comparisons, and/or, parentheses."""
        if level == len(_LEVELS):
            return self.unary()
        operators, prec = _LEVELS[level]
        left = self.expression(level + 1)
        while self.peek().text in operators:
            operator = operators[self.advance().text]
            right = self.expression(level + 1)
            # FEEL comparisons do not chain the way Python's do, so nested ones keep their parentheses.
            left_prec, right_prec = (P_CMP + 1, P_CMP + 1) if prec == P_CMP else (prec, prec + 1)
            left = Py(f"{wrap(left, left_prec)} {operator} {wrap(right, right_prec)}", prec)
        return left

    def unary(self) -> Py:
        """Parse unary minus, a parenthesized expression or a simple value."""
        if self.peek().text == "-" and self.peek(1).kind != "num":
            self.advance()
            return Py(f"-{wrap(self.unary(), P_UNARY)}", P_UNARY)
        if self.peek().text == "(":
            self.advance()
            inner = self.expression()
            self.expect(")", "expected ')'")
            return Py(inner.code, inner.prec)
        return self.value()


def _equality(value: Py, negated: bool = False) -> str:
    """Return the test that the input equals value (by identity for null and booleans, as FEEL does)."""
    if value.code in ("None", "True", "False"):
        return f"? {'is not' if negated else 'is'} {value.code}"
    return f"? {'!=' if negated else '=='} {wrap(value, P_CMP + 1)}"


def _values(tests: list[_Test]) -> list[Py] | None:
    """Return the compared values when every test is a plain equality test, else None."""
    values = [test.value for test in tests if test.value is not None]
    return values if len(values) == len(tests) else None


def _disjunction(tests: list[_Test]) -> str:
    """Return the code matching when any of the tests matches."""
    values = _values(tests)
    if len(tests) == 1:
        return tests[0].code
    if values is not None:
        return f"? in ({', '.join(value.code for value in values)})"
    return " or ".join(test.code if test.value is not None else f"({test.code})" for test in tests)


def _negation(tests: list[_Test]) -> str:
    """Return the code of FEEL not(tests)."""
    values = _values(tests)
    if values is not None and len(values) == 1:
        return _equality(values[0], negated=True)
    if values is not None:
        return f"? not in ({', '.join(value.code for value in values)})"
    code = f"not ({_disjunction(tests)})"
    # FEEL: ordering null gives null and not(null) does not match; a null test in the list makes it false.
    if not any(test.value is not None and test.value.code == "None" for test in tests):
        code = f"? is not None and {code}"
    return code


def _is_juel(source: str) -> bool:
    """Return True when source is a JUEL expression (Camunda accepts them in DMN expressions)."""
    return source.startswith(("${", "#{"))


def feel_unary_to_python(text: str) -> str | None:
    """Translate a DMN input entry (FEEL unary tests) to a SpiffWorkflow match expression.

    The expression uses `?` for the input value; None means 'matches anything'.
    """
    source = (text or "").strip()
    if source in ("", "-"):
        return None
    if _is_juel(source):
        raise ExpressionError(f"JUEL is not supported in DMN input entries, write FEEL instead: {source!r}")
    return _FeelParser(source, "input entry").unary_tests()


def feel_literal_to_python(text: str) -> str:
    """Translate a DMN output entry (a FEEL literal expression) to Python."""
    source = (text or "").strip()
    if not source:
        return "None"  # an empty output entry yields null in Camunda
    if _is_juel(source):
        return juel_to_python(source)
    parser = _FeelParser(source, "output entry")
    result = parser.value()
    if parser.peek().kind != "eof":
        raise parser.error('only FEEL literals ("text", 12, -1.5, true, false, null) and variable names '
                           "are supported")
    return result.code


def feel_expression_to_python(text: str) -> str:
    """Translate a DMN input expression (a FEEL/JUEL name or simple expression) to Python."""
    source = (text or "").strip()
    if not source:
        raise ExpressionError("a DMN input expression is empty: name the variable to decide on")
    if _is_juel(source):
        return juel_to_python(source)
    parser = _FeelParser(source, "input expression")
    result = parser.expression()
    parser.expect_end()
    return result.code
