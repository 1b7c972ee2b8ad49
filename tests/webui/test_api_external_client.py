"""End to end: a tiny external-task worker, written as Camunda clients are, runs a process over real HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.webui.api_external_fixtures import Queue, queue_fixture  # noqa: F401
from tests.webui.api_fixtures import issue_token


class CamundaClient:
    """What a Camunda 7 external-task client does: a base URL, /external-task/... appended, JSON in and out."""

    def __init__(self, base_url: str, token: str, worker_id: str) -> None:
        self.base_url, self.token, self.worker_id = base_url, token, worker_id

    def call(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"{self.base_url}/external-task{path}", data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def fetch_and_lock(self, topics: list[str]) -> list[dict[str, Any]]:
        status, tasks = self.call("/fetchAndLock", {
            "workerId": self.worker_id, "maxTasks": 10, "usePriority": True, "asyncResponseTimeout": 500,
            "topics": [{"topicName": t, "lockDuration": 20_000, "variables": None} for t in topics]})
        assert status == 200, tasks
        return list(tasks)

    def complete(self, task: dict[str, Any], variables: dict[str, Any]) -> int:
        typed = {name: {"value": value, "type": {bool: "Boolean", int: "Integer", str: "String"}[type(value)]}
                 for name, value in variables.items()}
        status, _ = self.call(f"/{task['id']}/complete", {"workerId": self.worker_id, "variables": typed,
                                                          "localVariables": {}})
        return status


@pytest.fixture
def server(queue: Queue) -> Iterator[str]:
    """Serve the app on a free local port; yield the API's base URL (what a Camunda client is given)."""
    httpd = make_server("127.0.0.1", 0, queue.app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/api/v1"
    httpd.shutdown()
    thread.join(timeout=5)


def test_a_camunda_style_worker_runs_a_process_to_its_end(queue: Queue, server: str) -> None:
    instance_id = queue.start("k1", {"alamat": "ani@samarinda.go.id", "prioritas": 2})
    client = CamundaClient(server, issue_token(queue.app, "svc.siasn"), "siasn-connector-1")
    handled = []
    for _ in range(3):
        for task in client.fetch_and_lock(["kirim-email", "arsip", "hitung-nilai"]):
            handled.append(task["topicName"])
            if task["topicName"] == "kirim-email":
                assert task["variables"]["alamat"] == {"type": "String", "value": "ani@samarinda.go.id",
                                                       "valueInfo": {}}
            assert client.complete(task, {f"{task['activityId']}_selesai": True, "nomor": 1}) == 204
    assert handled == ["kirim-email", "arsip", "hitung-nilai"]
    assert queue.instance(instance_id).status == "completed"
    assert queue.variables(instance_id)["Task_nilai_selesai"] is True

    status, error = client.call("/999999/complete", {"workerId": "siasn-connector-1"})
    assert status == 404 and set(error) == {"type", "message", "code"}
    intruder = CamundaClient(server, "knj_not-a-token", "x")
    assert intruder.call("/fetchAndLock", {"workerId": "x", "maxTasks": 1, "topics": []})[0] == 401


def test_workers_fetching_at_the_same_moment_never_share_a_task(queue: Queue, server: str) -> None:
    for key in ("k1", "k2", "k3"):
        queue.start(key)
    token = issue_token(queue.app, "svc.siasn")
    clients = [CamundaClient(server, token, f"w{n}") for n in range(4)]
    got: dict[str, list[str]] = {}
    barrier = threading.Barrier(len(clients))

    def work(client: CamundaClient) -> None:
        barrier.wait()
        got[client.worker_id] = [t["id"] for t in client.fetch_and_lock(["kirim-email"])]

    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    fetched = [task_id for ids in got.values() for task_id in ids]
    assert len(got) == 4 and sorted(fetched) == sorted(set(fetched)) and len(fetched) == 3
