"""Broken DMN files are refused at FILE:LINE with the rewrite, before SpiffWorkflow reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions.validation import read_paths, validate
from tests.conftest import FIXTURES

CAMUNDA7 = FIXTURES / "camunda7"


def _refusals(folder: str) -> list[str]:
    checked, problems = validate(read_paths([str(CAMUNDA7 / folder)]))
    assert checked is None
    return [str(problem) for problem in problems]


def _line(path: Path, needle: str) -> int:
    return next(n for n, text in enumerate(path.read_text().splitlines(), 1) if needle in text)


def _at(folder: str, file: str, needle: str) -> str:
    return f"{file}:{_line(CAMUNDA7 / folder / file, needle)}: "


@pytest.mark.parametrize("needle, text", [
    ('<decision id="dasar"', "decision 'dasar' (Dasar) requires its own result (a cycle of required decisions)"),
    ('<decision id="puncak"', "decision 'puncak' (Puncak) requires its own result"),
    ('href="#hilang"', "requires decision 'hilang', which this file does not define; a required decision must "
                       "be in the same file"),
])
def test_required_decisions_must_exist_without_cycles(needle: str, text: str) -> None:
    prefix = _at("dmn_refused_requirements", "refused_requirements.dmn", needle)
    assert any(p.startswith(prefix) and text in p for p in _refusals("dmn_refused_requirements"))


@pytest.mark.parametrize("needle, text", [
    ('typeRef="number"', "input 'Nilai': typeRef 'number' is not a type Camunda knows; use one of string, "
                         "boolean, integer, long, double, date"),
    ('typeRef="rupiah"', "output 'jenis': typeRef 'rupiah' is not a type Camunda knows"),
    ('aggregation="SUM"', "COLLECT SUM needs exactly one output column, the table has 2"),
    ('hitPolicy="PRIORITY"', "hit policy PRIORITY orders rows by the outputs' value lists, and no output has "
                             "one; list the output values in priority order"),
    ('<output id="Output_tanpa_nama_1"', "output 'Output_tanpa_nama_1' has no name"),
    ("<rule>", "the rule at this line has no id"),
])
def test_broken_tables(needle: str, text: str) -> None:
    refusals = _refusals("dmn_refused_tables")
    prefix = _at("dmn_refused_tables", "refused_tables.dmn", needle)
    assert any(p.startswith(prefix) and text in p for p in refusals), refusals
    assert all(p.startswith("refused_tables.dmn:") for p in refusals)  # nothing blamed on the process


@pytest.mark.parametrize("file, needle, text", [
    ("refused_literals.dmn", 'expressionLanguage="javascript"',
     "the expression language 'javascript' is not supported; write the expression in FEEL (the default), JUEL "
     "or Python"),
    ("refused_literals.dmn", 'date("2027-01-01")', "FEEL function calls such as 'date(...)' are not supported"),
    ("refused_literals.dmn", '<decision id="tanpa_variabel"', "the literal expression has no variable name"),
    ("refused_literals.bpmn", 'id="Task_peta"', "maps the decision result with 'firstEntry'; use one of "
                                                "singleEntry, singleResult, collectEntries, resultList"),
])
def test_broken_literal_expressions_and_mappings(file: str, needle: str, text: str) -> None:
    prefix = _at("dmn_refused_literals", file, needle)
    assert any(p.startswith(prefix) and text in p for p in _refusals("dmn_refused_literals"))


@pytest.mark.parametrize("old, new, line, text", [
    ("<text>nilai</text>", "<text></text>", 7, "input 'Nilai': a DMN input expression is empty"),
    ('<decision id="kategori_nilai"', "<decision", 3, "decision '?' (Kategori nilai) has no id; give it one"),
    ('typeRef="string" />', 'typeRef="string"><outputValues id="u"><text>"a", b c</text></outputValues></output>',
     10, "output values of 'kategori': 'b c' is not a value; list texts or numbers"),
])
def test_broken_variants_of_a_dmn_12_file(old: str, new: str, line: int, text: str) -> None:
    files = read_paths([str(CAMUNDA7 / "dmn_version_12")])
    changed = files["kategori_dmn_12.dmn"].decode().replace(old, new, 1)
    checked, problems = validate({**files, "kategori_dmn_12.dmn": changed.encode()})
    assert checked is None and all(p.line for p in problems)
    assert any(p.file == "kategori_dmn_12.dmn" and p.line == line and text in p.message for p in problems), problems


def test_a_decision_that_is_neither_table_nor_literal_expression() -> None:
    files = read_paths([str(CAMUNDA7 / "dmn_version_12")])
    text = files["kategori_dmn_12.dmn"].decode()
    start, end = text.index("<decisionTable"), text.index("</decisionTable>") + len("</decisionTable>")
    changed = text[:start] + '<context id="Context_1" />' + text[end:]
    checked, problems = validate({**files, "kategori_dmn_12.dmn": changed.encode()})
    assert checked is None
    assert [str(p) for p in problems] == ["kategori_dmn_12.dmn:3: decision 'kategori_nilai' (Kategori nilai) is "
                                          "neither a decision table nor a literal expression; Kinerja runs only "
                                          "those two"]
