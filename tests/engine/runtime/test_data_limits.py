"""Data beyond the limits is never stored: a step that makes it is an incident, a request that sends it is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.clock import clock
from engine.data_limits import DataLimits, DataTooLarge, data_limits, set_data_limits
from engine.errors import FormInvalid
from engine.models import AuditEvent
from engine.runtime.lifecycle import instances
from tests.conftest import worker_pass

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="d" targetNamespace="t">
  <bpmn:process id="grows" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="fill" name="Fill in" camunda:assignee="ani" camunda:formKey="sketch">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:scriptTask id="grow" name="Grow" scriptFormat="python"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing><bpmn:script>SCRIPT</bpmn:script></bpmn:scriptTask>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="later" name="Later" scriptFormat="python"><bpmn:incoming>f4</bpmn:incoming>
      <bpmn:outgoing>f5</bpmn:outgoing><bpmn:script>LATER</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="review" name="Review" camunda:assignee="ani"><bpmn:incoming>f5</bpmn:incoming>
      <bpmn:outgoing>f6</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="fill" />
    <bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="grow" />
    <bpmn:sequenceFlow id="f3" sourceRef="grow" targetRef="wait" />
    <bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="later" />
    <bpmn:sequenceFlow id="f5" sourceRef="later" targetRef="review" />
    <bpmn:sequenceFlow id="f6" sourceRef="review" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""

#: What the first script stores, by the `kind` the test starts the instance with.
GROW = "\n".join([
    "if kind == 'big': big = pad * n",
    "if kind == 'nan': ratio = 1e308 * 10 - 1e308 * 10",
    "if kind == 'infinite': ratio = 1e308 * 10",
    "if kind == 'deep':",
    "    nested = []",
    "    for i in range(n): nested = [nested]",
    "if kind == 'key': table = {pad * n: 1}",
    "if kind == 'many':",
    "    for i in range(n): parts.append(pad)",
])


@pytest.fixture
def grows(deploy):
    deploy(files={"grows.bpmn": PROCESS.replace("SCRIPT", GROW).replace("LATER", "later = pad * later_n").encode()})


@pytest.fixture
def small_limits() -> Iterator[DataLimits]:
    before = data_limits()
    set_data_limits(DataLimits(instance_bytes=20_000, variable_bytes=5_000, depth=10, key_length=50))
    yield data_limits()
    set_data_limits(before)


def _audit_count(session, instance_id):
    return session.execute(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.instance_id == instance_id)).scalar()


def _start(start, open_tasks, complete, kind, **data):
    instance = start("grows", {"kind": kind, "pad": "x", "n": 1, "later_n": 1, "parts": [], **data})
    [fill] = open_tasks(instance.id)
    return instance, fill


@pytest.mark.parametrize(("kind", "n", "named"), [
    ("big", 6_000, "variable 'big' is 6,002 bytes"),
    ("nan", 1, "'ratio' is nan"),
    ("infinite", 1, "'ratio' is inf"),
    ("deep", 12, "nested deeper than 10 levels"),
    ("key", 60, "60 characters long"),
    ("many", 5_000, "variable 'parts' is"),
])
def test_a_script_storing_data_beyond_the_limits_is_an_incident_and_stores_nothing_of_it(
        grows, small_limits, start, open_tasks, complete, reload, session, events, kind, n, named):
    instance, fill = _start(start, open_tasks, complete, kind, n=n)
    complete(fill, "ani", {})  # the completion itself is fine: the script after it fails
    failed = reload(instance.id)
    assert failed.status == "error", failed.error
    # NaN and Infinity are already refused by the sandbox's own clean-up; the others by the save.
    assert failed.error["bpmn_id"] == "grow" and named in failed.error["message"]
    assert ("instance_failed", failed.error) in events(instance.id)
    assert "x" * 5_000 not in failed.state and "Infinity" not in failed.state and "NaN" not in failed.state
    assert open_tasks(instance.id) == [] and failed.next_timer_at is None
    variables = instances.variables(instances.load(session, instance.id))
    assert not {"big", "ratio", "nested", "table"} & set(variables) and variables["parts"] == []

    # The step was put back as it was before it ran: retrying it with corrected data goes on.
    instances.retry(session, instance.id, "op", {"kind": "none"})
    session.commit()
    assert reload(instance.id).status == "waiting"


def test_data_growing_on_a_later_timer_is_an_incident_of_the_worker_pass(
        grows, small_limits, start, open_tasks, complete, reload, session):
    instance, fill = _start(start, open_tasks, complete, "none", later_n=6_000)
    complete(fill, "ani", {})
    before = reload(instance.id)
    assert before.status == "waiting"
    assert worker_pass(session, clock.now() + timedelta(hours=2)) == [instance.id]
    failed = reload(instance.id)
    assert failed.status == "error" and failed.error["bpmn_id"] == "later"
    assert "variable 'later' is 6,002 bytes" in failed.error["message"]
    assert "x" * 5_000 not in failed.state and open_tasks(instance.id) == []


def test_a_form_value_beyond_the_limits_is_refused_and_nothing_changes(
        grows, small_limits, start, open_tasks, complete, reload, session):
    instance, fill = _start(start, open_tasks, complete, "none")
    before = reload(instance.id)
    version, state, audited = before.version, before.state, _audit_count(session, instance.id)
    for value, code in [("y" * 6_000, "too_large"), (float("nan"), "not_finite"),
                        ({"k" * 60: 1}, "key_too_long"), ([[[[[[[[[[[1]]]]]]]]]]], "too_deep")]:
        with pytest.raises(FormInvalid) as refused:
            complete(fill, "ani", {"note": value})
        assert refused.value.items[0]["code"] == code
        after = reload(instance.id)
        assert (after.version, after.state, after.status) == (version, state, "running")
        assert _audit_count(session, instance.id) == audited
        assert [t.id for t in open_tasks(instance.id)] == [fill.id]


def test_many_small_values_together_beyond_the_instance_limit_are_refused(
        grows, small_limits, start, open_tasks, complete, reload):
    instance, fill = _start(start, open_tasks, complete, "none")
    with pytest.raises(DataTooLarge) as refused:
        complete(fill, "ani", {f"part{i}": "z" * 4_000 for i in range(6)})
    assert "an instance may hold at most 20,000 bytes" in refused.value.message
    assert reload(instance.id).status == "running"


def test_a_form_value_that_makes_the_instance_too_large_is_refused_and_nothing_changes(
        grows, small_limits, start, open_tasks, complete, reload, session):
    instance, fill = _start(start, open_tasks, complete, "none", **{f"old{i}": "o" * 4_000 for i in range(4)})
    before = reload(instance.id)
    version, state, audited = before.version, before.state, _audit_count(session, instance.id)
    with pytest.raises(DataTooLarge) as refused:
        complete(fill, "ani", {"note": "n" * 4_900})
    assert "an instance may hold at most 20,000 bytes" in refused.value.message
    after = reload(instance.id)
    assert (after.version, after.state, after.status) == (version, state, "running")
    assert _audit_count(session, instance.id) == audited and [t.id for t in open_tasks(instance.id)] == [fill.id]


def test_start_data_beyond_the_limits_is_refused(grows, small_limits, session):
    from engine.definitions import specs
    with pytest.raises(FormInvalid) as refused:
        instances.start(session, specs.require_latest(session, "grows"), {"kind": "x", "blob": "b" * 6_000}, "k9")
    assert refused.value.items == [{"path": "blob", "code": "too_large", "message": refused.value.items[0]["message"]}]
    session.rollback()
    assert instances.find(session, "grows", "k9") is None


def test_data_stored_before_the_limits_were_lowered_does_not_block_the_instance(
        grows, start, open_tasks, complete, reload, small_limits):
    before = data_limits()
    set_data_limits(DataLimits())
    instance, fill = _start(start, open_tasks, complete, "none", old="o" * 6_000)
    set_data_limits(before)
    complete(fill, "ani", {"note": "fine"})
    assert reload(instance.id).status == "waiting"


def test_a_problem_a_step_adds_is_an_incident_next_to_one_stored_before_the_limits(
        grows, start, open_tasks, complete, reload, small_limits):
    before = data_limits()
    set_data_limits(DataLimits())
    old: list[object] = []
    for _ in range(12):
        old = [old]
    instance, fill = _start(start, open_tasks, complete, "deep", n=12, nested=0, old=old)
    set_data_limits(before)
    complete(fill, "ani", {"note": "fine"})
    failed = reload(instance.id)
    assert failed.status == "error" and failed.error["bpmn_id"] == "grow"
    assert failed.error["message"].startswith("nested/0/") and "deeper than 10 levels" in failed.error["message"]


def test_a_message_payload_beyond_the_limits_is_refused_from_outside_and_an_incident_inside(
        deploy, small_limits, start, open_tasks, reload, session):
    from engine.runtime.events import messages
    deploy("processes/sender.bpmn")
    deploy("processes/receiver.bpmn")
    nip = "198503152010011001"
    ani = start("receiver", {"nip": nip, **{f"old{i}": "o" * 4_000 for i in range(4)}}, key="ani")
    version = reload(ani.id).version
    with pytest.raises(FormInvalid) as refused:
        messages.send(session, "predikat_final", {"nip": nip, "nilai": float("inf")}, "pengelola")
    assert refused.value.items[0]["code"] == "not_finite"
    session.rollback()
    assert reload(ani.id).version == version

    # Thrown by another process: the receiver would hold more than an instance may; its catch is the incident.
    sender = start("sender", {"payload": {"nip": nip, "blob": "b" * 4_500}}, key="cal")
    assert reload(sender.id).status == "completed"
    failed = reload(ani.id)
    assert failed.status == "error" and "an instance may hold at most 20,000 bytes" in failed.error["message"]
    assert "b" * 4_500 not in failed.state and open_tasks(ani.id) == []

