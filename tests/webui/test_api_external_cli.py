"""`kinerja external-task list`: operators see the queue, its locks and its incidents."""

from __future__ import annotations

import json

from tests.webui.api_external_fixtures import Queue, fetch, queue_fixture  # noqa: F401


def _run(queue: Queue, *args: str) -> tuple[int, str]:
    result = queue.app.test_cli_runner().invoke(args=["external-task", "list", *args])
    return result.exit_code, result.stdout


def test_the_list_shows_open_tasks_their_locks_and_incidents(queue: Queue) -> None:
    first, second = queue.start("k1"), queue.start("k2")
    api = queue.worker()
    [locked] = fetch(api, "w1", "kirim-email", max_tasks=1)
    assert api.post(f"/api/v1/external-task/{locked['id']}/failure", json={
        "workerId": "w1", "errorMessage": "SIASN mati", "retries": 0}).status_code == 204

    code, out = _run(queue, "--json")
    assert code == 0
    listed = json.loads(out)
    assert listed["total"] == 2
    assert [(t["processInstanceId"], t["topicName"], t["retries"]) for t in listed["external_tasks"]] == [
        (str(first), "kirim-email", 0), (str(second), "kirim-email", None)]

    code, out = _run(queue, "--incidents")
    assert code == 0 and out.count("\n") == 1
    assert "kirim-email" in out and "Task_kirim" in out and "retries 0" in out and "SIASN mati" in out
    code, out = _run(queue, "--topic", "arsip", "--json")
    assert json.loads(out)["external_tasks"] == []
