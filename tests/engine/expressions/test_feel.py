"""Tests for the FEEL translation of DMN entries in engine.feel, run by SpiffWorkflow's own DMN engine."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine

from engine import expressions
from engine.expressions import ExpressionError
from engine.expressions.feel import feel_expression_to_python, feel_literal_to_python, feel_unary_to_python

SCRIPT_ENGINE = PythonScriptEngine()

# The rules of kategori_pelatihan.dmn as Camunda Modeler 5 saves them: (jam_pelajaran, jenis) -> kategori.
EXAMPLE_RULES = [
    (("[1..19]", "-"), '"singkat"'),
    ((">= 20", '"teknis","sosial_kultural"'), '"reguler"'),
    ((">= 20", 'not("teknis","sosial_kultural")'), '"kepemimpinan"'),
]
EXAMPLE_INPUTS = ("jam_pelajaran", "jenis")


def fake_task(data: dict[str, Any]) -> Any:
    """Return the little of a SpiffWorkflow task that DMNEngine.evaluate uses."""
    return SimpleNamespace(data=data, workflow=SimpleNamespace(script_engine=SCRIPT_ENGINE))


def entry_matches(entry: str, value: Any, input_expression: str = "x", **data: Any) -> bool:
    """Translate an input entry and let SpiffWorkflow's DMN engine test value against it, `?` and all."""
    match_expression = feel_unary_to_python(entry)
    task = fake_task({"x": value, **data})
    return bool(DMNEngine(None).evaluate(feel_expression_to_python(input_expression), match_expression, task))


def decide(data: dict[str, Any]) -> Any:
    """Run the example table with hit policy UNIQUE (first match) and return the output, None if none."""
    for entries, output in EXAMPLE_RULES:
        task = fake_task(data)
        tests = [(feel_expression_to_python(expression), feel_unary_to_python(entry))
                 for expression, entry in zip(EXAMPLE_INPUTS, entries, strict=True)]
        if all(DMNEngine(None).evaluate(expression, test, task) for expression, test in tests):
            return SCRIPT_ENGINE.evaluate(task, feel_literal_to_python(output))
    return None


# --- the example DMN ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("jam", "jenis", "kategori"), [
    (1, "teknis", "singkat"), (19, "manajerial", "singkat"), (10, None, "singkat"),
    (20, "teknis", "reguler"), (40, "sosial_kultural", "reguler"),
    (20, "manajerial", "kepemimpinan"), (200, "lainnya", "kepemimpinan"),
    (0, "teknis", None), (-3, "teknis", None), (19.5, "teknis", None),
    (None, "teknis", None),  # FEEL: comparing null is null, so no rule matches (Python would raise TypeError)
])
def test_example_decision_table(jam: Any, jenis: Any, kategori: str | None) -> None:
    assert decide({"jam_pelajaran": jam, "jenis": jenis}) == kategori


def test_example_entries_read_as_python() -> None:
    assert feel_unary_to_python("[1..19]") == "? is not None and 1 <= ? <= 19"
    assert feel_unary_to_python(">= 20") == "? is not None and ? >= 20"
    assert feel_unary_to_python('"teknis","sosial_kultural"') == '? in ("teknis", "sosial_kultural")'
    assert feel_unary_to_python('not("teknis","sosial_kultural")') == '? not in ("teknis", "sosial_kultural")'
    assert feel_unary_to_python("-") is None


@pytest.mark.parametrize("entry", ["-", "", "  ", " - ", None])
def test_wildcards_match_anything(entry: Any) -> None:
    assert feel_unary_to_python(entry) is None
    assert DMNEngine(None).evaluate("x", None, fake_task({"x": 1}))


# --- unary tests --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("entry", "value", "expected"), [
    ('"a"', "a", True), ('"a"', "b", False), ('"a"', None, False),
    ("5", 5, True), ("5", 5.0, True), ("5", 6, False), ("5", "5", False),
    ("-5", -5, True), ("-5", 5, False), ("2.5", 2.5, True), (".5", 0.5, True), ("1.50", 1.5, True),
    ("true", True, True), ("true", False, False), ("true", 1, False), ("false", False, True),
    ("null", None, True), ("null", 0, False), ("null", "", False),
])
def test_single_values(entry: str, value: Any, expected: bool) -> None:
    assert entry_matches(entry, value) is expected


@pytest.mark.parametrize(("entry", "value", "expected"), [
    ('"a","b"', "a", True), ('"a", "b"', "b", True), ('"a","b"', "c", False),
    ("1, 2, 3", 2, True), ("1, 2, 3", 4, False), ("1,-2", -2, True),
    ("null, 5", None, True), ("null, 5", 5, True), ("null, 5", 6, False),
    ("< 5, 10, [20..30)", 4, True), ("< 5, 10, [20..30)", 10, True), ("< 5, 10, [20..30)", 25, True),
    ("< 5, 10, [20..30)", 30, False), ("< 5, 10, [20..30)", 7, False), ("< 5, 10, [20..30)", None, False),
])
def test_lists(entry: str, value: Any, expected: bool) -> None:
    assert entry_matches(entry, value) is expected


@pytest.mark.parametrize(("entry", "value", "expected"), [
    ("< 5", 4, True), ("< 5", 5, False), ("<= 5", 5, True), ("<= 5", 6, False),
    ("> 5", 6, True), ("> 5", 5, False), (">= 20", 20, True), (">= 20", 19, False),
    ("< -1.5", -2, True), ("< -1.5", -1, False), ('< "m"', "a", True), ('< "m"', "z", False),
    ('< "2027-02-01"', "2027-01-31", True),  # ISO date text orders like the dates it names
    ("< 5", None, False), (">= 20", None, False),
])
def test_comparisons(entry: str, value: Any, expected: bool) -> None:
    assert entry_matches(entry, value) is expected


@pytest.mark.parametrize(("entry", "below", "low", "middle", "high", "above"), [
    ("[1..5]", False, True, True, True, False),
    ("(1..5)", False, False, True, False, False),
    ("]1..5[", False, False, True, False, False),
    ("[1..5)", False, True, True, False, False),
    ("[1..5[", False, True, True, False, False),
    ("(1..5]", False, False, True, True, False),
    ("]1..5]", False, False, True, True, False),
])
def test_ranges(entry: str, below: bool, low: bool, middle: bool, high: bool, above: bool) -> None:
    results = [entry_matches(entry, value) for value in (0, 1, 3, 5, 6)]
    assert results == [below, low, middle, high, above]
    assert entry_matches(entry, None) is False


def test_range_with_negative_and_decimal_ends() -> None:
    assert entry_matches("[-2.5..-1]", -2) is True
    assert entry_matches("[-2.5..-1]", -3) is False


@pytest.mark.parametrize(("entry", "value", "expected"), [
    ('not("teknis","sosial_kultural")', "manajerial", True),
    ('not("teknis","sosial_kultural")', "teknis", False),
    ('not("teknis","sosial_kultural")', None, True),  # FEEL: null = "teknis" is false, so not(...) is true
    ('not("a")', "b", True), ('not("a")', "a", False),
    ("not(null)", None, False), ("not(null)", 0, True),
    ("not(true)", False, True), ("not(true)", True, False),
    ("not([1..5])", 0, True), ("not([1..5])", 3, False), ("not([1..5])", None, False),
    ("not(< 5, 10)", 7, True), ("not(< 5, 10)", 10, False), ("not(< 5, 10)", 1, False),
    ("not(null, < 3)", None, False), ("not(null, < 3)", 5, True), ("not(null, < 3)", 1, False),
])
def test_not(entry: str, value: Any, expected: bool) -> None:
    assert entry_matches(entry, value) is expected


@pytest.mark.parametrize(("entry", "value", "expected"), [
    ("limit", 7, True), ("limit", 8, False), ("< limit", 6, True), ("< limit", 7, False),
    ("[lower..limit]", 5, True), ("[lower..limit]", 8, False), ("batas.atas", 9, True),
    ("not(limit)", 7, False), ("limit, 1", 1, True),
])
def test_names_as_values(entry: str, value: Any, expected: bool) -> None:
    data = {"limit": 7, "lower": 2, "batas": {"atas": 9}}
    assert entry_matches(entry, value, **data) is expected


@pytest.mark.parametrize(("entry", "value"), [
    ('"what?"', "what?"), ('"it\'s"', "it's"), ('"say \\"hi\\""', 'say "hi"'), ('"a\\\\b"', "a\\b"),
    ('"tab\\there"', "tab\there"), ('"\\u0041"', "A"), ('"not(1)"', "not(1)"), ('"1..5"', "1..5"),
    ('"a, b"', "a, b"), ('"${x}"', "${x}"),
])
def test_string_contents_are_kept(entry: str, value: str) -> None:
    assert entry_matches(entry, value) is True
    assert entry_matches(entry, value + "x") is False


def test_every_entry_contains_the_placeholder() -> None:
    for entry in ('"a"', "5", "null", "true", "limit", "[1..2]", "< 3", '"a","b"', 'not("a")', "not(1, 2)"):
        code = feel_unary_to_python(entry)
        assert code is not None and "?" in code


@pytest.mark.parametrize(("entry", "mentions"), [
    ("= 5", "no '='"),
    ("!= 5", "not(...)"),
    ("? > 5", "'?'"),
    ('date("2027-01-31")', "'date(...)' are not supported"),
    ("upper case(x)", "names with spaces"),
    ("some x in xs satisfies x > 1", "'some'"),
    ("every x in xs satisfies x > 1", "'every'"),
    ("if x then 1 else 2", "'if'"),
    ("x between 1 and 5", "'between'"),
    ("x in (1, 2)", "'in'"),
    ("5 + 1", "unexpected '+'"),
    ("a[1]", "list indexes"),
    ("Customer Age", "names with spaces"),
    ("[1..5", "a range must end"),
    ("(5)", "'..'"),
    ("[1..]", "expected a value"),
    ("< null", "null cannot be compared"),
    ("[null..5]", "null cannot be compared"),
    ("'a'", "double quotes"),
    ('"abc', "not closed"),
    ("not(", "incomplete"),
    ('not("a"', "')'"),
    ('not("a") , "b"', "end of the entry"),
    ("1,", "incomplete"),
    ("${x > 5}", "JUEL is not supported"),
    ("from", "Python keyword"),
    ("_hidden", "'_'"),
    ("{a: 1}", "unexpected '{'"),
])
def test_refused_input_entries(entry: str, mentions: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        feel_unary_to_python(entry)
    assert mentions in str(caught.value)
    assert entry.strip() in str(caught.value)  # the message names the entry


# --- output entries -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "code", "value"), [
    ('"singkat"', '"singkat"', "singkat"), ('"it\'s"', '"it\\x27s"', "it's"), ("12", "12", 12),
    ("-1.50", "-1.5", -1.5), ("true", "True", True), ("false", "False", False), ("null", "None", None),
    ("", "None", None), ("hasil", "hasil", "dari data"), ("a.b", 'a["b"]', 3),
    ("${hasil}", "hasil", "dari data"),
])
def test_output_entries(text: str, code: str, value: Any) -> None:
    assert feel_literal_to_python(text) == code
    assert SCRIPT_ENGINE.evaluate(fake_task({"hasil": "dari data", "a": {"b": 3}}), code) == value


@pytest.mark.parametrize(("text", "mentions"), [
    ("a + 1", "only FEEL literals"), ('"a" + "b"', "only FEEL literals"),
    ("upper case(x)", "only FEEL literals"),
    ("sum([1, 2])", "'sum(...)'"), ("if a then 1 else 2", "'if'"), ("[1, 2]", "expected a value"),
    ("'x'", "double quotes"),
])
def test_refused_output_entries(text: str, mentions: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        feel_literal_to_python(text)
    assert mentions in str(caught.value)


# --- input expressions --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "code", "value"), [
    ("jam_pelajaran", "jam_pelajaran", 20), (" jenis ", "jenis", "teknis"),
    ("pegawai.golongan", 'pegawai["golongan"]', "III/a"),
    ("${jam_pelajaran}", "jam_pelajaran", 20), ("${pegawai.golongan}", 'pegawai["golongan"]', "III/a"),
    ("jam_pelajaran / 2 + 1", "jam_pelajaran / 2 + 1", 11.0),
    ("(jam_pelajaran + 1) * 2", "(jam_pelajaran + 1) * 2", 42),
    ("jam_pelajaran - 5 - 5", "jam_pelajaran - 5 - 5", 10),
    ("jam_pelajaran - (5 - 5)", "jam_pelajaran - (5 - 5)", 20),
    ("-jam_pelajaran", "-jam_pelajaran", -20), ("jam_pelajaran >= 20", "jam_pelajaran >= 20", True),
    ('jenis = "teknis"', 'jenis == "teknis"', True), ('jenis != "teknis"', 'jenis != "teknis"', False),
    ("jam_pelajaran > 1 and jam_pelajaran < 5 or true",
     "jam_pelajaran > 1 and jam_pelajaran < 5 or True", True),
    ("1 < 2 = true", "(1 < 2) == True", True), ('"x"', '"x"', "x"), ("null", "None", None),
])
def test_input_expressions(text: str, code: str, value: Any) -> None:
    assert feel_expression_to_python(text) == code
    data = {"jam_pelajaran": 20, "jenis": "teknis", "pegawai": {"golongan": "III/a"}}
    assert SCRIPT_ENGINE.evaluate(fake_task(data), code) == value


@pytest.mark.parametrize(("text", "mentions"), [
    ("", "empty"), ("sum(xs)", "'sum(...)'"), ("xs[1]", "list indexes"),
    ("Customer Age", "names with spaces"),
    ("a ** 2", "unexpected '**'"), ("if a then b else c", "'if'"), ("(a", "incomplete"),
    ("${a.matches('x')}", "method call"), ("a +", "incomplete"),
])
def test_refused_input_expressions(text: str, mentions: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        feel_expression_to_python(text)
    assert mentions in str(caught.value)


def test_translators_are_reexported_from_engine_expressions() -> None:
    assert expressions.feel_unary_to_python is feel_unary_to_python
    assert expressions.feel_literal_to_python is feel_literal_to_python
    assert expressions.feel_expression_to_python is feel_expression_to_python
    from engine.expressions import feel_unary_to_python as reexported

    assert reexported("[1..19]") == "? is not None and 1 <= ? <= 19"
    with pytest.raises(AttributeError):
        expressions.no_such_translator  # noqa: B018
