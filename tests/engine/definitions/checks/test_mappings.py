"""Mappings, listeners, jobs and data elements a file declares either run or are refused at their line."""

from __future__ import annotations

import pytest

from engine.definitions.validation import validate
from tests.conftest import FIXTURES

CAMUNDA7 = FIXTURES / "camunda7"


def _refusals(name: str) -> list[tuple[int | None, str]]:
    path = CAMUNDA7 / name
    checked, problems = validate({path.name: path.read_bytes()})
    assert checked is None
    assert {p.file for p in problems} == {path.name}
    return [(p.line, p.message) for p in problems]


def _line(name: str, needle: str, nth: int = 0) -> int:
    """Return the 1-based line of the nth occurrence of needle in a fixture."""
    lines = [number for number, text in enumerate((CAMUNDA7 / name).read_text().splitlines(), 1) if needle in text]
    return lines[nth]


def test_java_and_unsupported_listeners_are_refused_at_their_line() -> None:
    name = "mappings_listeners_refused.bpmn"
    refusals = dict(_refusals(name))
    assert "calls Java code" in refusals[_line(name, 'class="id.go.samarinda.Notifikasi"')]
    assert "calls Java code" in refusals[_line(name, "logger.info(execution)")]
    assert "'assignment', which Kinerja does not run" in refusals[_line(name, 'event="assignment"')]
    assert "written in javascript" in refusals[_line(name, 'scriptFormat="javascript"')]
    assert "task listeners belong to user tasks" in refusals[_line(name, 'camunda:taskListener event="create"')]
    assert "exclusive gateway 'Gateway_1'" in refusals[_line(name, 'camunda:executionListener event="start"')]
    assert len(refusals) == 6


@pytest.mark.parametrize("needle, expected", [
    ("R0/PT5M", "'R0/PT5M' must be R<attempts>/<interval>, e.g. R3/PT5M"),
    ("PT5M,PT10M", "'PT5M,PT10M' must be R<attempts>/<interval>"),
    ("R2/5M", "the interval of 'R2/5M' is not a duration"),
    ("R2/PT5M", "end event 'Event_selesai' sets a retry time cycle; Kinerja retries failed tasks"),
])
def test_retry_time_cycles_kinerja_cannot_run_are_refused(needle: str, expected: str) -> None:
    name = "mappings_retry_cycle_refused.bpmn"
    refusals = _refusals(name)
    assert len(refusals) == 4
    assert any(line == _line(name, needle) and expected in message for line, message in refusals), refusals


def test_data_store_a_task_writes_is_refused_at_the_store() -> None:
    [(line, message)] = _refusals("mappings_data_store.bpmn")
    assert line == _line("mappings_data_store.bpmn", "<bpmn:dataStoreReference")
    assert "is read or written by script task 'Task_skrip'" in message
    assert "Kinerja has no data stores" in message


@pytest.mark.parametrize("needle, expected", [
    ('scriptFormat="javascript"', "input parameter 'a' is written in javascript"),
    ('resource="hitung.py"', "input parameter 'b' loads its script from 'hitung.py'"),
    ('>c = 1<', "input parameter 'c': the script must end with the expression"),
    ("${a.matches('x')}", "output parameter 'd': method call 'a.matches(...)' is not supported"),
    ('businessKey="${nomor}"', "always has its business key: write #{execution.processBusinessKey}"),
    ('<camunda:in source="a" />', "camunda:in needs a target variable name"),
    ('id="Task_banyak"', "user task 'Task_banyak' (Banyak) is multi-instance and has input/output parameters"),
    ('id="Event_lempar"', "has input/output parameters; Kinerja runs them on tasks, sub-processes and call"),
])
def test_parameters_kinerja_cannot_run_are_refused_at_their_line(needle: str, expected: str) -> None:
    name = "mappings_refused_parameters.bpmn"
    refusals = _refusals(name)
    assert any(line == _line(name, needle) and expected in message for line, message in refusals), refusals


def test_accepted_constructs_validate() -> None:
    for name in ("mappings_async.bpmn", "mappings_data_objects.bpmn", "mappings_input_output.bpmn",
                 "mappings_listeners.bpmn", "mappings_retry_cycle.bpmn", "mappings_sub_process.bpmn"):
        path = CAMUNDA7 / name
        checked, problems = validate({path.name: path.read_bytes()})
        assert checked is not None and not problems, (name, problems)
