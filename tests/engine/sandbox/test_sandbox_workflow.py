"""Scripts and conditions of a running workflow go through the sandbox: paths, refusals with their line."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.util.task import TaskState

from engine.sandbox import SandboxEnvironment, SandboxScriptEngine, make_script_engine

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://kinerja.test">
  <bpmn:process id="scoring" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>to_score</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="to_score" sourceRef="start" targetRef="score"/>
    <bpmn:scriptTask id="score" name="Compute average" scriptFormat="python">
      <bpmn:incoming>to_score</bpmn:incoming><bpmn:outgoing>to_gateway</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="to_gateway" sourceRef="score" targetRef="decide"/>
    <bpmn:exclusiveGateway id="decide" name="Good enough?">
      <bpmn:incoming>to_gateway</bpmn:incoming>
      <bpmn:outgoing>to_high</bpmn:outgoing><bpmn:outgoing>to_low</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="to_high" sourceRef="decide" targetRef="end_high">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{high}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_low" sourceRef="decide" targetRef="end_low">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">average &lt; 4</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="end_high"><bpmn:incoming>to_high</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_low"><bpmn:incoming>to_low</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""

AVERAGE = "total = 0\nfor s in scores:\n    total += s\naverage = total / len(scores)"


def workflow(script: str, scores: list[int], high: str = "average >= 4",
             engine: SandboxScriptEngine | None = None) -> BpmnWorkflow:
    """Parse the test process with the given script and gateway condition and start it on scores."""
    parser = CamundaParser()
    xml = BPMN.format(script=escape(script), high=escape(high))
    parser.add_bpmn_str(xml.encode(), filename="scoring.bpmn")
    wf = BpmnWorkflow(parser.get_spec("scoring"), script_engine=engine or make_script_engine())
    wf.get_next_task(state=TaskState.READY, spec_name="Start").data.update(scores=scores)
    return wf


def completed_ids(wf: BpmnWorkflow) -> set[str]:
    return {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id}


@pytest.mark.parametrize("scores, end", [([4, 5, 5], "end_high"), ([2, 3, 4], "end_low")])
def test_workflow_takes_the_path_chosen_by_script_and_conditions(scores: list[int], end: str) -> None:
    wf = workflow(AVERAGE, scores)
    wf.do_engine_steps()
    assert wf.is_completed()
    assert end in completed_ids(wf) and ({"end_high", "end_low"} - {end}).isdisjoint(completed_ids(wf))
    assert wf.data["average"] == sum(scores) / 3


def test_hostile_script_task_fails_with_workflow_task_exception(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    wf = workflow(f"average = 5\nhandle = open({str(target)!r}, 'w')", [4])
    with pytest.raises(WorkflowTaskException) as failure:
        wf.do_engine_steps()
    assert not target.exists()
    error = failure.value
    assert error.task.task_spec.bpmn_id == "score" and error.task.state == TaskState.ERROR
    assert error.line_number == 2 and "open(" in error.error_line
    assert "SandboxViolation" in str(error) and "open() is not available" in str(error)
    assert not wf.is_completed()


def test_script_refused_at_compile_time_fails_with_its_line() -> None:
    wf = workflow("average = 5\nx = ().__class__.__base__.__subclasses__()", [4])
    with pytest.raises(WorkflowTaskException) as failure:
        wf.do_engine_steps()
    error = failure.value
    assert error.task.state == TaskState.ERROR
    assert error.line_number == 2 and error.error_line.startswith("x = ()")
    assert "refused" in str(error) and "__class__" in str(error)
    assert "average" not in error.task.data


def test_runaway_script_task_fails_with_its_line() -> None:
    engine = SandboxScriptEngine(environment=SandboxEnvironment(step_budget_seconds=0.3))
    wf = workflow("average = 5\nwhile True:\n    average += 1", [4], engine=engine)
    with pytest.raises(WorkflowTaskException) as failure:
        wf.do_engine_steps()
    error = failure.value
    assert error.task.state == TaskState.ERROR and "time budget" in str(error)
    assert error.line_number in (2, 3)


def test_script_error_with_non_string_argument_keeps_a_readable_message() -> None:
    wf = workflow("average = 5\nraise KeyError(42)", [4])
    with pytest.raises(WorkflowTaskException) as failure:
        wf.do_engine_steps()
    assert "KeyError: 42" in str(failure.value) and failure.value.line_number == 2


def test_hostile_gateway_condition_fails_with_workflow_task_exception() -> None:
    wf = workflow(AVERAGE, [4], high="average.__class__ is float")
    with pytest.raises(WorkflowTaskException) as failure:
        wf.do_engine_steps()
    assert "__class__" in str(failure.value) and failure.value.task.state == TaskState.ERROR
