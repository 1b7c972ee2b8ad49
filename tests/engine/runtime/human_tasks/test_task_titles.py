"""User task titles written in the BPMN as `name` expressions: evaluated when the task appears, shown everywhere."""

from __future__ import annotations

import json

from engine.definitions.validation import validate
from engine.runtime.human_tasks.inbox import task_dict
from tests.conftest import FIXTURES, read_fixture

FIXTURE = "processes/task_titles.bpmn"
DATA = {"penilai": "budi", "tahun": 2027, "pegawai": {"nama": "Dewi Kartika"}, "periode": {"nama": "Triwulan II"}}


def test_the_title_is_the_name_with_its_expressions_evaluated(deploy, start, open_tasks, complete, events):
    deploy(FIXTURE)
    instance = start("task_titles", DATA)
    [review] = open_tasks(instance.id)
    assert review.name == "Tinjau SKP — Dewi Kartika — 2027"
    assert task_dict(review)["name"] == "Tinjau SKP — Dewi Kartika — 2027"
    complete(review, "budi")
    [record] = open_tasks(instance.id)
    assert record.name == "Catat realisasi Triwulan II"
    trail = [(event, data["name"]) for event, data in events(instance.id) if event.startswith("task_")]
    assert trail == [("task_created", "Tinjau SKP — Dewi Kartika — 2027"),
                     ("task_completed", "Tinjau SKP — Dewi Kartika — 2027"),
                     ("task_created", "Catat realisasi Triwulan II")]


def test_a_title_that_cannot_be_evaluated_keeps_the_task_under_its_written_name(deploy, start, open_tasks, events):
    deploy(FIXTURE)
    instance = start("task_titles", {"penilai": "budi", "tahun": 2027})  # no pegawai
    [review] = open_tasks(instance.id)
    assert review.name == "Tinjau SKP — ${pegawai.nama} — ${tahun}"
    assert review.assignee == "budi"
    assert "pegawai" in review.properties["name_error"]
    [failed] = [data for event, data in events(instance.id) if event == "task_name_failed"]
    assert failed["bpmn_id"] == "review" and "pegawai" in failed["reason"]


def test_a_malformed_title_is_refused_at_validation():
    [(name, data)] = read_fixture(FIXTURE).items()
    broken = data.replace(b"${tahun}\"", b"${tahun\"").replace(b"${periode.nama}", b"${periode.nama()}")
    checked, problems = validate({name: broken})
    assert checked is None
    messages = [str(p) for p in problems]
    assert any("task_titles.bpmn:5:" in m and "name" in m and "not closed" in m for m in messages), messages
    assert any("task_titles.bpmn:8:" in m and "periode.nama" in m for m in messages), messages


def test_task_list_and_instance_show_print_the_title(cli):
    cli("bpmn", "deploy", str(FIXTURES / "processes" / "task_titles.bpmn"))
    instance_id = cli("instance", "start", "task_titles", "--key", "k", "--data", json.dumps(DATA)).strip()
    assert "Tinjau SKP — Dewi Kartika — 2027" in cli("task", "list", "--user", "budi")
    listed = json.loads(cli("task", "list", "--user", "budi", "--json"))
    assert listed["tasks"][0]["name"] == "Tinjau SKP — Dewi Kartika — 2027"
    shown = json.loads(cli("instance", "show", instance_id, "--json"))
    assert shown["tasks"][0]["name"] == "Tinjau SKP — Dewi Kartika — 2027"


def test_a_title_property_keeps_the_diagram_name_short(deploy, start, open_tasks, events):
    deploy("processes/task_title_property.bpmn")
    instance = start("task_title_property", DATA)
    [review] = open_tasks(instance.id)
    assert review.name == "Tinjau SKP — Dewi Kartika — 2027"
    # Without the data the task appears under the short name the diagram shows, and the failure is audited.
    broken = start("task_title_property", {"penilai": "budi", "tahun": 2027}, key="k2")
    [plain] = open_tasks(broken.id)
    assert plain.name == "Tinjau SKP" and "pegawai" in plain.properties["name_error"]
    assert [e for e, _ in events(broken.id) if e == "task_name_failed"] == ["task_name_failed"]


def test_a_malformed_title_property_is_refused_at_validation():
    [(name, data)] = read_fixture("processes/task_title_property.bpmn").items()
    checked, problems = validate({name: data.replace(b"${tahun}\"", b"${tahun\"")})
    assert checked is None
    assert any("task_title_property.bpmn:8:" in str(p) and "title property" in str(p) for p in problems), problems
