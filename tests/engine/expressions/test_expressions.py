"""Tests for the JUEL and ISO 8601 timer translation in engine.expressions."""

from __future__ import annotations

from typing import Any

import pytest

from engine.expressions import (
    ExpressionError,
    is_literal,
    juel_to_python,
)
from tests.engine.evaluation import evaluate

EXAMPLE_CONDITION = "${keputusan eq 'setuju' and not empty nama_pelatihan}"


def run(expression: str, **data: Any) -> Any:
    """Translate a JUEL expression and evaluate it on data."""
    return evaluate(juel_to_python(expression), **data)


# --- JUEL: the example file ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "expected"), [
    ({"keputusan": "setuju", "nama_pelatihan": "Diklat PIM"}, True),
    ({"keputusan": "setuju", "nama_pelatihan": ""}, False),
    ({"keputusan": "setuju", "nama_pelatihan": None}, False),
    ({"keputusan": "tolak", "nama_pelatihan": "Diklat PIM"}, False),
])
def test_example_condition(data: dict[str, Any], expected: bool) -> None:
    assert bool(run(EXAMPLE_CONDITION, **data)) is expected


def test_example_condition_reads_as_python() -> None:
    assert juel_to_python(EXAMPLE_CONDITION) == (
        'keputusan == "setuju" and nama_pelatihan not in (None, "", [], {})')


def test_example_assignee() -> None:
    assert juel_to_python("${penilai}") == "penilai"
    assert juel_to_python("  #{penilai}  ") == "penilai"


# --- JUEL: values and access --------------------------------------------------------------------------------

def test_plain_python_is_returned_stripped() -> None:
    assert juel_to_python("  score >= 4 \n") == "score >= 4"
    assert juel_to_python("") == ""


def test_property_access_reads_dict_keys() -> None:
    assert juel_to_python("${pegawai.unit.nama}") == 'pegawai["unit"]["nama"]'
    assert run("${pegawai.unit.nama}", pegawai={"unit": {"nama": "Bappeda"}}) == "Bappeda"


def test_index_access_is_kept() -> None:
    assert juel_to_python("${a[0]}") == "a[0]"
    assert juel_to_python("${a['x']}") == 'a["x"]'
    assert run("${rows[1].name}", rows=[{"name": "a"}, {"name": "b"}]) == "b"
    assert run("${m[k]}", m={"x": 3}, k="x") == 3


def test_property_named_like_keyword() -> None:
    assert run("${a.empty and a.class}", a={"empty": 1, "class": 2}) == 2


@pytest.mark.parametrize(("expression", "expected"), [
    ("${'it''s'}", None),
    ("${'a\\'b'}", "a'b"),
    ('${"a\\"b"}', 'a"b'),
    ("${'back\\\\slash'}", "back\\slash"),
    ("${'kept \\n'}", "kept \\n"),  # JUEL only knows \\ \' \" escapes: others stay as written
    ("${'x eq y and not empty z'}", "x eq y and not empty z"),
    ("${\"a || b ? c : d\"}", "a || b ? c : d"),
    ("${'}'}", "}"),
    ("${'?'}", "?"),
])
def test_string_literals(expression: str, expected: str | None) -> None:
    if expected is None:  # two adjacent strings are not one JUEL string
        with pytest.raises(ExpressionError):
            juel_to_python(expression)
        return
    assert run(expression) == expected


def test_string_literal_with_keyword_stays_a_string() -> None:
    assert run("${status == 'eq'}", status="eq") is True
    assert run("${status == 'eq'}", status="ne") is False
    assert "'eq'" not in juel_to_python("${status == 'eq'}")  # emitted as "eq", never as the operator


def test_generated_strings_hold_no_inner_quote() -> None:
    code = juel_to_python("${\"it's \\\"fine\\\"\"}")
    assert code.count("'") == 0 and code.count('"') == 2
    assert evaluate(code) == "it's \"fine\""


@pytest.mark.parametrize(("expression", "expected"), [
    ("${42}", 42), ("${007}", 7), ("${1.5}", 1.5), ("${1.}", 1.0), ("${.25}", 0.25), ("${1e3}", 1000.0),
    ("${true}", True), ("${false}", False), ("${null}", None),
])
def test_literals(expression: str, expected: object) -> None:
    assert run(expression) == expected
    assert is_literal(juel_to_python(expression))


# --- JUEL: operators ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ("${a == b}", False), ("${a eq b}", False), ("${a != b}", True), ("${a ne b}", True),
    ("${a < b}", True), ("${a lt b}", True), ("${a <= b}", True), ("${a le b}", True),
    ("${a > b}", False), ("${a gt b}", False), ("${a >= b}", False), ("${a ge b}", False),
    ("${a + b}", 5), ("${b - a}", 1), ("${a * b}", 6), ("${b / a}", 1.5), ("${b div a}", 1.5),
    ("${b % a}", 1), ("${b mod a}", 1), ("${-a}", -2), ("${- -a}", 2), ("${-(a + b)}", -5),
])
def test_operators(expression: str, expected: object) -> None:
    assert run(expression, a=2, b=3) == expected


@pytest.mark.parametrize(("expression", "expected"), [
    ("${t && f}", False), ("${t and f}", False), ("${t || f}", True), ("${t or f}", True),
    ("${!t}", False), ("${not t}", False), ("${!!t}", True), ("${not not f}", False),
])
def test_logical_operators(expression: str, expected: bool) -> None:
    assert run(expression, t=True, f=False) is expected


@pytest.mark.parametrize(("a", "b", "c"), [(x, y, z) for x in (False, True) for y in (False, True)
                                           for z in (False, True)])
def test_and_binds_tighter_than_or(a: bool, b: bool, c: bool) -> None:
    assert bool(run("${a or b and c}", a=a, b=b, c=c)) is (a or (b and c))
    assert bool(run("${a || b && c}", a=a, b=b, c=c)) is (a or (b and c))
    assert bool(run("${(a or b) and c}", a=a, b=b, c=c)) is ((a or b) and c)


@pytest.mark.parametrize(("expression", "expected"), [
    ("${1 + 2 * 3}", 7),
    ("${(1 + 2) * 3}", 9),
    ("${10 - 4 - 3}", 3),  # left-associative
    ("${10 - (4 - 3)}", 9),
    ("${2 * 3 mod 4}", 2),
    ("${1 < 2 == true}", True),  # relational binds tighter than equality
    ("${1 == 1 == true}", True),  # JUEL nests (1 == 1) == true, Python would chain
    ("${3 > 2 > 1}", False),  # (3 > 2) > 1 is true > 1, false in both languages
    ("${not 1 == 2}", False),  # JUEL: (not 1) == 2; Python's `not 1 == 2` would be True
    ("${!false == true}", True),
    ("${-2 * -3}", 6),
    ("${true ? 1 : 2}", 1),
    ("${false ? 1 : true ? 2 : 3}", 2),  # right-associative
    ("${1 > 2 ? 'a' : 'b'}", "b"),
    ("${(true ? 1 : 2) + 10}", 11),
    ("${true or false ? 'x' : 'y'}", "x"),  # ?: binds loosest
])
def test_precedence(expression: str, expected: object) -> None:
    assert run(expression) == expected


def test_ternary_is_parenthesized() -> None:
    assert juel_to_python("${a ? b : c}") == "(b if a else c)"


def test_null_comparisons_use_identity() -> None:
    assert juel_to_python("${x == null}") == "x is None"
    assert juel_to_python("${x ne null}") == "x is not None"
    assert run("${x != null}", x=0) is True


# --- JUEL: empty --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "is_empty"), [
    (None, True), ("", True), ([], True), ({}, True),
    ("a", False), ([0], False), ({"k": None}, False), (0, False), (False, False), (0.0, False),
])
def test_empty(value: object, is_empty: bool) -> None:
    assert run("${empty x}", x=value) is is_empty
    assert run("${not empty x}", x=value) is not is_empty
    assert run("${!empty x}", x=value) is not is_empty


@pytest.mark.parametrize(("data", "is_empty"), [
    ({"a": None}, True), ({"a": {}}, True), ({"a": {"b": None}}, True), ({"a": {"b": {}}}, True),
    ({"a": {"b": {"c": ""}}}, True), ({"a": {"b": {"c": "x"}}}, False), ({"a": {"b": {"c": 0}}}, False),
])
def test_empty_on_a_path_treats_missing_keys_as_null(data: dict[str, Any], is_empty: bool) -> None:
    assert run("${empty a.b.c}", **data) is is_empty
    assert run("${not empty a.b.c}", **data) is not is_empty


def test_empty_binds_tighter_than_comparison() -> None:
    assert run("${empty x == false}", x="a") is True
    assert run("${empty x and y}", x="", y=True) is True


# --- JUEL: refusals -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "mentions"), [
    ("${a.matches('x')}", "method call 'a.matches(...)'"),
    ("${execution.setVariable('x', 1)}", "cannot change variables"),
    ("${execution.activityId}", "'execution.activityId' is not supported"),
    ("${a.b.isBlank() and c}", "method call 'a.b.isBlank(...)'"),
    ("${dateTime().withDayOfMonth(1)}", "P7D"),
    ("${dateTime(3)}", "dateTime() takes 0 arguments, not 1"),
    ("${a.substring()}", "substring() takes 1 or 2 arguments, not 0"),
    ("${today()}", "function call 'today(...)'"),
    ("${fn:contains(a, 'x')}", "function call 'fn:contains(...)'"),
    ("${a[0]()}", "calling 'a[0]'"),
    ("Hello ${name}", "mixes text"),
    ("${a} and ${b}", "text after"),
    ("${a}!", "text after"),
    ("${}", "empty"),
    ("${a", "not closed"),
    ("${'abc}", "not closed"),
    ("${a +}", "incomplete"),
    ("${a b}", "unexpected 'b'"),
    ("${(a}", "incomplete"),
    ("${a ? b}", "expected ':'"),
    ("${a = b}", "'=='"),
    ("${a & b}", "'&&'"),
    ("${a | b}", "'||'"),
    ("${[1, 2]}", "list literals"),
    ("${{'a': 1}}", "map and set literals"),
    ("${x -> x}", "lambda"),
    ("${a += b}", "'+='"),
    ("${a; b}", "';'"),
    ("${a ${b}}", "nested"),
    ("${a instanceof b}", "instanceof"),
    ("${$x}", "'$'"),
    ("${from}", "Python keyword"),
    ("${None}", "Python keyword"),
    ("${_secret}", "'_'"),
    ("${a.}", "property name"),
    ("${a and}", "incomplete"),
    ("${9e999}", "too large"),
])
def test_refused(expression: str, mentions: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        juel_to_python(expression)
    assert mentions in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_error_names_the_whole_expression() -> None:
    with pytest.raises(ExpressionError, match=r"in '\$\{a.count\(\) > 0\}'"):
        juel_to_python("${a.count() > 0}")


# --- is_literal ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ('"P14D"', True), ("'P14D'", True), ("42", True), ("-1.5", True), ("None", True), ("True", True),
    ("deadline", False), ('a["b"]', False), ('"P" + x', False), ("", False), ("(", False),
])
def test_is_literal(text: str, expected: bool) -> None:
    assert is_literal(text) is expected
