"""Multi-instance over a collection with Camunda 7's semantics, through the database at every step."""

from __future__ import annotations

import pytest

from engine.definitions.validation import validate
from tests.conftest import read_fixture
from tests.engine.conftest import final_data as _final


def test_parallel_user_tasks_leave_the_collection_and_stop_at_the_completion_condition(
        deploy, start, open_tasks, complete, reload, events):
    deploy("camunda7/events_mi_parallel.bpmn")
    raters = ["ani", "budi", "citra", "dewi", "eko"]
    instance = start("events_mi_parallel", {"daftar_rekan": list(raters)})
    tasks = open_tasks(instance.id)
    assert sorted(t.assignee for t in tasks) == sorted(raters)
    by_rater = {t.assignee: t for t in tasks}
    for number, rater in enumerate(["budi", "ani"], 1):
        complete(by_rater[rater], rater, {"nilai": number})
        assert reload(instance.id).status == "running"
    complete(by_rater["eko"], "eko", {"nilai": 5})  # 3 of 5 = 0.6: the loop is done
    assert open_tasks(instance.id) == []
    assert reload(instance.id).status == "completed"
    data = _final(events, instance.id)
    assert data["daftar_rekan"] == raters  # read, never written
    assert data["jumlah_rekan"] == 5
    assert data["nilai"] == 5  # a variable an instance set reaches the process (last one completed)
    for local in ("rekan", "loopCounter", "nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances"):
        assert local not in data
    cancelled = [d for e, d in events(instance.id) if e == "task_cancelled"]
    assert len(cancelled) == 2


def test_sequential_script_sees_its_counters_and_the_loop_leaves_only_what_instances_set(
        deploy, start, reload, events):
    deploy("camunda7/events_mi_sequential_script.bpmn")
    instance = start("events_mi_sequential_script", {"angka": [1, 2, 3], "total": 0, "urutan": []})
    assert reload(instance.id).status == "completed"
    data = _final(events, instance.id)
    assert data["angka"] == [1, 2, 3]
    assert data["total"] == 6  # each instance begins where the previous left the variables
    assert data["urutan"] == [0, 1, 2]
    assert data["dilihat"] == 2  # instance 3 began after two completed
    assert "n" not in data and "loopCounter" not in data


def test_cardinality_on_a_sub_process_merges_map_entries_of_every_instance(deploy, start, reload, events):
    deploy("camunda7/events_mi_cardinality_subprocess.bpmn")
    instance = start("events_mi_cardinality_subprocess", {"jumlah": 3, "hasil": {}})
    assert reload(instance.id).status == "completed"
    data = _final(events, instance.id)
    # Parallel instances each added their key; each saw the counters of the loop as it began.
    assert data["hasil"] == {"0": [0, 3, 3], "1": [10, 3, 3], "2": [20, 3, 3]}
    assert data["jumlah"] == 3


def test_a_map_as_collection_is_an_incident_not_a_silent_loop(deploy, start, reload):
    deploy("camunda7/events_mi_sequential_script.bpmn")
    instance = start("events_mi_sequential_script", {"angka": {"a": 1}, "total": 0, "urutan": []})
    stored = reload(instance.id)
    assert stored.status == "error"
    assert "not a list" in stored.error["message"]


def test_empty_collection_skips_the_activity(deploy, start, reload, events):
    deploy("camunda7/events_mi_sequential_script.bpmn")
    instance = start("events_mi_sequential_script", {"angka": [], "total": 0, "urutan": []})
    assert reload(instance.id).status == "completed"
    assert _final(events, instance.id)["total"] == 0


@pytest.mark.parametrize("line, words", [
    (10, "without a collection or a loop cardinality"),
    (16, "element variable 'loopCounter' is a built-in variable"),
])
def test_refused_loops_point_at_their_line(line, words):
    checked, problems = validate(read_fixture("camunda7/events_mi_refused.bpmn"))
    assert checked is None
    assert any(p.line == line and words in p.message for p in problems), problems


def test_sequential_call_activity_gets_one_item_at_a_time_and_returns_what_it_set(
        deploy, start, open_tasks, complete, reload, events):
    deploy("camunda7/events_mi_call_activity/events_mi_call_main.bpmn",
           "camunda7/events_mi_call_activity/events_mi_call_called.bpmn")
    instance = start("events_mi_call_main", {"daftar_rekan": ["ani", "budi"], "nilai_rekan": {}})
    for rater, score in (("ani", 4), ("budi", 5)):
        [task] = open_tasks(instance.id)
        assert task.assignee == rater  # one instance at a time, in the collection's order
        complete(task, rater, {"nilai": score})
    assert reload(instance.id).status == "completed"
    data = _final(events, instance.id)
    assert data["nilai_rekan"] == {"ani": 4, "budi": 5}
    assert data["daftar_rekan"] == ["ani", "budi"]
    assert "rekan" not in data and "loopCounter" not in data and "nilai" not in data
