"""Loops and scripts that would never end within bounds: refused at deploy, or an incident at run time.

Through the database at every step (SQLite and PostgreSQL): the instance stops with a clear incident, its
stored state stays small and loadable, and the next instance runs as usual.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from engine.definitions.validation import validate
from engine.sandbox import LIMITS
from tests.conftest import read_fixture
from tests.engine.conftest import final_data

SCRIPT_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_bounds" targetNamespace="http://kinerja.test">
  <bpmn:process id="script_bounds" name="Skrip berbahaya" isExecutable="true" camunda:historyTimeToLive="365">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="Task_skrip" name="Skrip" scriptFormat="python">
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_skrip" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_skrip" targetRef="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def script_process(script: str) -> dict[str, bytes]:
    return {"script_bounds.bpmn": SCRIPT_PROCESS.format(script=escape(script)).encode()}


@pytest.mark.parametrize("line, words", [
    (11, "would run 1000000000 instances; a multi-instance activity may run at most"),
    (18, "loopMaximum '1000000' must be a whole number of at most"),
    (24, "is a standard loop without loopMaximum"),
])
def test_loops_over_the_cap_are_refused_at_validation(line: int, words: str) -> None:
    checked, problems = validate(read_fixture("camunda7/loops_unbounded.bpmn"))
    assert checked is None
    assert any(p.line == line and words in p.message for p in problems), problems


def test_a_constant_that_cannot_be_bounded_is_refused_at_deploy() -> None:
    checked, problems = validate(script_process("e = 2 ** 4000\nx = pow(3, 2 ** 4000, 2 ** 4000 - 1)"))
    assert checked is None
    assert any("pow() with three arguments" in p.message and "script line 2" in p.message for p in problems)


def test_a_cardinality_over_the_cap_at_run_time_is_an_incident(
        deploy, start, reload, events, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "loop_cardinality", 3)
    deploy("camunda7/events_mi_cardinality_subprocess.bpmn")
    refused = reload(start("events_mi_cardinality_subprocess", {"jumlah": 4, "hasil": {}}).id)
    assert refused.status == "error"
    assert "asks for 4 instances" in refused.error["message"]
    assert "at most 3" in refused.error["message"]
    within = start("events_mi_cardinality_subprocess", {"jumlah": 3, "hasil": {}}, key="k2")
    assert reload(within.id).status == "completed"
    assert len(final_data(events, within.id)["hasil"]) == 3


def test_a_collection_over_the_cap_is_an_incident(deploy, start, reload, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "loop_cardinality", 3)
    deploy("camunda7/events_mi_sequential_script.bpmn")
    instance = start("events_mi_sequential_script", {"angka": [1, 2, 3, 4], "total": 0, "urutan": []})
    stored = reload(instance.id)
    assert stored.status == "error"
    assert "the collection" in stored.error["message"] and "asks for 4 instances" in stored.error["message"]


@pytest.mark.parametrize("script, words", [
    ("e = 2 ** (n // 25)\nx = pow(3, e, e - 1)", "pow() with three arguments"),
    ("e = 2 ** n", "the result of '**'"),
    ("e = int('9' * (n // 25))", "'e' is a number too large to store"),
    ("w = 10 ** 8\nx = '%' + str(w) + 'd'\ny = x % 1", "'%' formatting"),
    ("a = [0]\nfor i in range(n // 1000):\n    a = [a, a]", "'a' is too large to store"),
])
def test_a_script_that_cannot_run_within_bounds_is_an_incident_and_others_go_on(
        deploy, start, reload, events, script: str, words: str) -> None:
    deploy(files=script_process(script))
    failed = reload(start("script_bounds", {"n": 99990}).id)
    assert failed.status == "error"
    assert words in failed.error["message"]
    deploy(files=script_process("x = n + 1"))
    fine = start("script_bounds", {"n": 1}, key="k2")
    assert reload(fine.id).status == "completed"
    assert final_data(events, fine.id)["x"] == 2
