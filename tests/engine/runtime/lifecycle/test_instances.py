"""Running processes through the database: lanes, gateways, call activities, multi-instance, errors."""

from __future__ import annotations

import pytest

from engine.errors import InvalidState
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import instances


def test_lanes_gateways_and_loop_back(deploy, start, open_tasks, complete, reload, events, session):
    deploy("processes/review.bpmn")
    instance = start("review", {"employee": "ani", "manager": "budi", "unit_group": "dukcapil_penilai"})
    [draft] = open_tasks(instance.id)
    assert (draft.bpmn_id, draft.lane, draft.assignee) == ("draft", "Pegawai", "ani")
    assert draft.properties["stage"] == "perencanaan"
    assert [f["id"] for f in draft.form["fields"]] == ["target", "note"]
    assert reload(instance.id).status == "running"

    complete(draft, "ani", {"target": "80"})
    [approve] = open_tasks(instance.id)
    assert approve.lane == "Pejabat Penilai" and approve.assignee is None
    assert sorted((c.kind, c.value) for c in approve.candidates) == [("group", "dukcapil_penilai"),
                                                                     ("group", "hr")]
    assert approve.due_at is not None
    assert approve.form["fields"][1]["value"] == 80  # read-only field shows the current value

    # Returned: the loop goes back to the employee with the data kept.
    tasks.claim(session, approve.id, "budi", groups=["dukcapil_penilai"])
    session.commit()
    complete(approve, "budi", {"decision": "return"})
    [draft2] = open_tasks(instance.id)
    assert draft2.bpmn_id == "draft" and draft2.id != draft.id
    complete(draft2, "ani", {"target": 90, "note": "revised"})
    [approve2] = open_tasks(instance.id)
    tasks.claim(session, approve2.id, "budi", groups=["hr"])
    session.commit()
    complete(approve2, "budi", {"decision": "approve"})

    # Parallel split: two tasks at once, joined before the end.
    parallel = open_tasks(instance.id)
    assert sorted(t.bpmn_id for t in parallel) == ["archive", "sign"]
    complete(parallel[0], "budi")
    assert reload(instance.id).status == "running"
    complete(parallel[1], "budi")
    done = reload(instance.id)
    assert done.status == "completed" and done.ended_at is not None and open_tasks(instance.id) == []
    kinds = [e for e, _ in events(instance.id)]
    assert kinds[0] == "instance_started" and kinds[-1] == "instance_completed"
    assert kinds.count("task_completed") == 6 and kinds.count("task_claimed") == 2


def test_business_key_returns_the_existing_instance(deploy, start):
    deploy("processes/review.bpmn")
    first = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"}, key="2027-ani")
    again = start("review", {"employee": "other", "manager": "x", "unit_group": "y"}, key="2027-ani")
    assert again.id == first.id


def test_call_activity_in_another_file(deploy, start, open_tasks, complete, reload, session):
    versions = deploy("processes/parent.bpmn", "processes/child.bpmn")
    assert sorted(versions["parent"].files) == ["child.bpmn", "parent.bpmn"]
    instance = start("parent", {"owner": "citra"})
    [inside] = open_tasks(instance.id)
    assert (inside.bpmn_id, inside.process_id, inside.lane) == ("child_task", "child", "Pegawai")
    complete(inside, "citra", {"child_note": "ok"})
    [after] = open_tasks(instance.id)
    assert after.bpmn_id == "after"
    run = instances.load(session, instance.id)
    assert instances.variables(run)["child_done"] is True
    assert instances.variables(run)["child_note"] == "ok"
    complete(after, "citra")
    assert reload(instance.id).status == "completed"


def test_parallel_multi_instance_over_a_collection(deploy, start, open_tasks, complete, reload, session):
    deploy("processes/raters.bpmn")
    instance = start("raters", {"raters": ["r1", "r2", "r3"]})
    rows = open_tasks(instance.id)
    assert sorted(t.assignee for t in rows) == ["r1", "r2", "r3"]
    assert sorted(t.properties["multi_instance_index"] for t in rows) == [0, 1, 2]
    for row, score in zip(sorted(rows, key=lambda t: t.assignee), (3, 4, 5), strict=True):
        complete(row, row.assignee, {"score": score})
    assert reload(instance.id).status == "completed"
    run = instances.load(session, instance.id)
    assert run.workflow.data["count"] == 3


def test_error_end_event_caught_by_boundary(deploy, start, open_tasks, reload):
    deploy("processes/errors.bpmn")
    instance = start("errors", {"amount": -5, "divisor": 1})
    [fix] = open_tasks(instance.id)
    assert fix.bpmn_id == "fix"
    assert reload(instance.id).status == "running"


def test_failing_script_is_an_incident_and_retry_fixes_it(deploy, start, reload, session, events):
    deploy("processes/errors.bpmn")
    instance = start("errors", {"amount": 5, "divisor": 0})
    failed = reload(instance.id)
    assert failed.status == "error"
    assert failed.error["bpmn_id"] == "compute"
    assert "division by zero" in failed.error["message"]
    assert failed.error["line"] == 2
    assert "instance_failed" in [e for e, _ in events(instance.id)]

    with pytest.raises(InvalidState):
        instances.suspend(session, instance.id, "op", "not active")
    session.rollback()
    instances.retry(session, instance.id, "op", {"divisor": 2})
    session.commit()
    fixed = reload(instance.id)
    assert fixed.status == "completed" and fixed.error is None
    run = instances.load(session, instance.id)
    assert run.workflow.data["ratio"] == 5.0


def test_suspend_resume_terminate(deploy, start, open_tasks, complete, reload, session):
    deploy("processes/review.bpmn")
    instance = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"})
    [draft] = open_tasks(instance.id)
    instances.suspend(session, instance.id, "op", "data check")
    session.commit()
    with pytest.raises(InvalidState):
        complete(draft, "ani", {"target": 5})
    assert open_tasks(instance.id)[0].id == draft.id  # refusal changed nothing
    instances.resume(session, instance.id, "op")
    session.commit()
    assert reload(instance.id).status == "running"
    instances.terminate(session, instance.id, "op", "employee retired")
    session.commit()
    ended = reload(instance.id)
    assert (ended.status, ended.status_reason) == ("terminated", "employee retired")
    assert open_tasks(instance.id) == []
    with pytest.raises(InvalidState):
        instances.terminate(session, instance.id, "op", "again")


def test_retry_on_a_fixed_definition(deploy, start, reload, session, events):
    from tests.conftest import read_fixture
    deploy("processes/errors.bpmn")
    instance = start("errors", {"amount": 5, "divisor": 0})
    assert reload(instance.id).status == "error"
    fixed = read_fixture("processes/errors.bpmn")["errors.bpmn"].replace(
        b"ratio = total / divisor", b"ratio = total / divisor if divisor else 0")
    deploy(files={"errors.bpmn": fixed})
    instances.retry(session, instance.id, "op", latest=True)
    session.commit()
    done = reload(instance.id)
    assert done.status == "completed" and done.spec_version.version == 2
    assert instances.load(session, instance.id).workflow.data["ratio"] == 0
    migrated = [d for e, d in events(instance.id) if e == "instance_migrated"]
    assert migrated == [{"from_version": 1, "to_version": 2, "from_spec_version_id": migrated[0][
        "from_spec_version_id"], "to_spec_version_id": done.spec_version_id}]


def test_migration_refuses_to_drop_finished_work(deploy, start, open_tasks, complete, session, reload):
    from tests.conftest import read_fixture
    deploy("processes/review.bpmn")
    instance = start("review", {"employee": "ani", "manager": "budi", "unit_group": "g"})
    complete(open_tasks(instance.id)[0], "ani", {"target": 4})
    original = read_fixture("processes/review.bpmn")["review.bpmn"]
    # Version 2 drops the drafting step: the instance has already done it, so it must stay on v1.
    start_at = original.index(b'<bpmn:userTask id="draft"')
    end_at = original.index(b"</bpmn:userTask>", start_at) + len(b"</bpmn:userTask>")
    without_draft = (original[:start_at] + original[end_at:]).replace(
        b"<bpmn:flowNodeRef>draft</bpmn:flowNodeRef>", b"").replace(
        b'<bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="approve" />', b"").replace(
        b'sourceRef="start" targetRef="draft"', b'sourceRef="start" targetRef="approve"').replace(
        b'sourceRef="decide" targetRef="draft"', b'sourceRef="decide" targetRef="approve"').replace(
        b"<bpmn:incoming>f2</bpmn:incoming>", b"<bpmn:incoming>f1</bpmn:incoming>")
    deploy(files={"review.bpmn": without_draft})
    with pytest.raises(InvalidState, match="draft"):
        instances.move_to_version(session, instance.id, "op")
    session.rollback()
    assert reload(instance.id).spec_version.version == 1


def test_start_many_in_one_batch(deploy, start, session, open_tasks, events):
    from engine import audit
    from engine.definitions import specs
    deploy("processes/review.bpmn")
    first = start("review", {"employee": "a0", "manager": "m", "unit_group": "g"}, key="k0")
    version = specs.require_latest(session, "review")
    items = [(f"k{i}", {"employee": f"a{i}", "manager": "m", "unit_group": "g"}) for i in range(5)]
    items.append(("k3", {"employee": "duplicate in the batch"}))
    started = instances.start_many(session, version, items, "cycle")
    session.commit()
    assert [i.business_key for i in started] == ["k0", "k1", "k2", "k3", "k4", "k3"]
    assert started[0].id == first.id and started[3].id == started[5].id
    for instance in started[1:5]:
        [draft] = open_tasks(instance.id)
        assert draft.assignee == f"a{instance.business_key[1:]}"
        assert [e for e, _ in events(instance.id)] == ["instance_started", "task_created"]
    assert audit.verify(session) == []


HOSTILE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="hostile" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="steal" scriptFormat="python"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>secret = open(path).read()</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="steal" />
    <bpmn:sequenceFlow id="f2" sourceRef="steal" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>"""


def test_hostile_script_is_an_incident_and_reads_nothing(deploy, start, reload, session, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cr3t")
    deploy(files={"hostile.bpmn": HOSTILE.encode()})
    instance = start("hostile", {"path": str(secret)})
    failed = reload(instance.id)
    assert failed.status == "error" and failed.error["bpmn_id"] == "steal"
    assert "open" in failed.error["message"]
    assert "s3cr3t" not in failed.state and "s3cr3t" not in str(failed.error)


def test_script_refused_at_deploy_never_runs(session):
    from engine.definitions import specs
    from engine.errors import ValidationFailed
    text = HOSTILE.replace("secret = open(path).read()", "import os\nos.remove(path)")
    with pytest.raises(ValidationFailed) as refused:
        specs.deploy(session, {"hostile.bpmn": text.encode()}, "tester")
    assert any("import" in p.message for p in refused.value.problems)


def test_variables_show_a_branch_waiting_at_a_join_and_its_latest_values(deploy, start, open_tasks, complete,
                                                                          session):
    deploy("processes/parallel_data.bpmn")
    instance = start("parallel_data", {"members": ["ani", "budi", "citra"]})
    [first, second] = sorted(open_tasks(instance.id), key=lambda t: t.bpmn_id)
    complete(first, "ani", {"note": "done"})
    # The first branch waits at the join with its note and a shorter member list; the second branch,
    # still open, has the list it started with. The variables show what the first branch made of them.
    data = instances.variables(instances.load(session, instance.id))
    assert data["note"] == "done" and data["members"] == ["ani", "citra"]
    complete(second, "citra")
    final = instances.variables(instances.load(session, instance.id))
    assert final["members"] == ["ani", "citra"] and final["note"] == "done"
