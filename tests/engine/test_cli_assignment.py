"""The operator commands for assignment: validation profiles and the tasks waiting for the operators."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tests.engine.definitions.test_validation import line_of

UNASSIGNED = FIXTURES / "camunda7" / "assignment_unassigned.bpmn"


def test_the_cli_validates_as_camunda_unless_strict(cli) -> None:
    assert "1 file(s) valid" in cli("bpmn", "validate", str(UNASSIGNED))
    out = cli("bpmn", "validate", "--strict", str(UNASSIGNED), code=1)
    line = line_of(UNASSIGNED, 'id="Task_tindak"')
    assert f"{UNASSIGNED.name}:{line}: user task 'Task_tindak'" in out
    assert "pengaduan_masyarakat: deployed version 1" in cli("bpmn", "deploy", str(UNASSIGNED))


def test_operators_list_the_tasks_waiting_for_them(cli) -> None:
    cli("bpmn", "deploy", str(UNASSIGNED))
    cli("instance", "start", "pengaduan_masyarakat", "--key", "aduan-1")
    listed = json.loads(cli("task", "list", "--operators", "--json"))
    assert [(t["name"], t["candidate_groups"], t["properties"]) for t in listed["tasks"]] == [
        ("Tindak lanjuti pengaduan", ["operators"], {"unassigned": True})]
    task_id = str(listed["tasks"][0]["id"])
    cli("task", "reassign", task_id, "--to", "andi", "--reason", "petugas minggu ini")
    assert json.loads(cli("task", "list", "--operators", "--json"))["total"] == 0
    assert json.loads(cli("task", "list", "--user", "andi", "--json"))["total"] == 1


def test_the_operators_group_is_a_setting(database_url, monkeypatch) -> None:
    from engine.runtime.human_tasks.assignment import operators_group, set_operators_group
    from webui import create_app
    before = operators_group()
    monkeypatch.setenv("KINERJA_OPERATORS_GROUP", "pengelola_sistem")
    try:
        create_app({"DATABASE_URL": database_url})
        assert operators_group() == "pengelola_sistem"
    finally:
        set_operators_group(before)
