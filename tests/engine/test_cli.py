"""The operator CLI end to end: validate, deploy, start, show --json, list, complete, worker, audit."""

from __future__ import annotations

import json

from tests.conftest import EXAMPLES, FIXTURES


def test_validate_reports_file_and_line(cli, tmp_path):
    bad = tmp_path / "bad.bpmn"
    bad.write_text((EXAMPLES / "izin_pelatihan.bpmn").read_text().replace(">P10D<", ">P10X<"))
    out = cli("bpmn", "validate", str(bad), code=1)
    line = next(i for i, text in enumerate(bad.read_text().splitlines(), 1) if "P10X" in text)
    assert any(row.startswith(f"bad.bpmn:{line}:") and "P10X" in row for row in out.splitlines()), out
    assert "izin_pelatihan" in cli("bpmn", "validate", str(EXAMPLES))


def test_operator_flow(cli):
    out = cli("bpmn", "deploy", str(FIXTURES / "processes" / "review.bpmn"), "--actor", "ops")
    assert "review: deployed version 1" in out
    assert "unchanged" in cli("bpmn", "deploy", str(FIXTURES / "processes" / "review.bpmn"))
    instance_id = int(cli("instance", "start", "review", "--key", "2027-ani", "--data",
                          '{"employee": "ani", "manager": "budi", "unit_group": "x_penilai"}').strip())
    shown = json.loads(cli("instance", "show", str(instance_id), "--json"))
    assert shown["status"] == "running" and shown["process_version"] == 1
    [task] = shown["tasks"]
    assert task["assignee"] == "ani" and task["form"]["fields"][0]["id"] == "target"
    listed = json.loads(cli("task", "list", "--user", "ani", "--json"))
    assert listed["total"] == 1 and listed["tasks"][0]["id"] == task["id"]
    assert json.loads(cli("task", "list", "--user", "budi", "--json"))["total"] == 0

    out = cli("task", "complete", str(task["id"]), "--actor", "ani", "--data", '{"target": 0}', code=1)
    assert "target" in out and "at least 1" in out
    refused = json.loads(cli("task", "complete", str(task["id"]), "--actor", "ani", "--data",
                             '{"target": 0, "note": "x"}', "--json", code=1))
    assert refused["code"] == "form_invalid"
    assert [(e["path"], e["code"]) for e in refused["errors"]] == [("target", "below_minimum")]
    out = cli("task", "complete", str(task["id"]), "--actor", "budi", "--data", '{"target": 5}', code=1)
    assert "may not complete" in out
    cli("task", "complete", str(task["id"]), "--actor", "ani", "--data", '{"target": 5}')
    out = cli("task", "complete", str(task["id"]), "--actor", "ani", "--data", '{"target": 5}', code=1)
    assert "already completed" in out

    assert "intact" in cli("audit", "verify")
    trail = json.loads(cli("audit", "export", "--instance", str(instance_id), "--format", "json"))
    assert "task_completed" in [e["event_type"] for e in trail]
    assert "fired timers of 0" in cli("worker", "--once", "--now", "2030-01-01T00:00:00+00:00")
