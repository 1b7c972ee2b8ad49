"""Application functions called from scripts run in the engine step's session and know its instance."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine.context import current_run
from engine.runtime.lifecycle import instances
from engine.sandbox import functions, register_function

PROCESS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="ctx" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="ask" scriptFormat="python"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>who = whoami()</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="ask" />
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture
def whoami(monkeypatch):
    monkeypatch.setattr(functions, "_registry", dict(functions._registry))

    def _whoami() -> dict:
        run = current_run()
        # The function writes in the engine step's transaction: the instance row is visible to it.
        found = run.session.execute(text("SELECT business_key FROM instance WHERE id = :i"),
                                    {"i": run.instance_id}).scalar()
        return {"key": run.business_key, "seen": found, "actor": run.actor}
    register_function("whoami", _whoami)


def test_registered_function_sees_the_current_run(whoami, deploy, start, session):
    deploy(files={"ctx.bpmn": PROCESS})
    instance = start("ctx", {}, key="emp-1", actor="ops")
    data = instances.load(session, instance.id).workflow.data
    assert data["who"] == {"key": "emp-1", "seen": "emp-1", "actor": "ops"}


def test_outside_a_run_it_is_refused():
    with pytest.raises(RuntimeError, match="no engine step"):
        current_run()
