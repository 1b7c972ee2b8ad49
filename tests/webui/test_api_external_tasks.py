"""External tasks over REST: Camunda 7's fetch-and-lock, complete, failure, bpmnError and extendLock, audited."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.demo_city import T0
from tests.webui.api_external_fixtures import LOCK_MS, WORKER_ACCOUNT, Queue, fetch, fetch_body, queue_fixture  # noqa: F401
from tests.webui.api_fixtures import ApiClient
from webui.api.external_spec import external_operations
from workflows.organisation.demo_org import EMPLOYEES

BASE = "/api/v1/external-task"
CAMUNDA_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$")
#: Fields of a locked task in Camunda 7's fetchAndLock answer, and their JSON types (None allowed where nullable).
LOCKED_FIELDS = {
    "activityId": str, "activityInstanceId": str, "errorMessage": (str, type(None)),
    "errorDetails": (str, type(None)), "executionId": str, "id": str, "lockExpirationTime": str,
    "createTime": str, "processDefinitionId": str, "processDefinitionKey": str,
    "processDefinitionVersionTag": (str, type(None)), "processInstanceId": str, "tenantId": (str, type(None)),
    "retries": (int, type(None)), "workerId": str, "topicName": str, "priority": int, "businessKey": str,
    "variables": dict, "extensionProperties": dict}


def camunda_error(response, status: int) -> str:  # type: ignore[no-untyped-def]
    """Assert Camunda's error shape and status; return the message."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"type", "message", "code"} and isinstance(body["message"], str) and body["message"]
    return str(body["message"])


def test_two_workers_fetch_and_only_one_gets_the_task_in_camundas_shape(queue: Queue) -> None:
    instance_id = queue.start("k1", {"alamat": "ani@samarinda.go.id", "prioritas": 3, "jumlah": 2**40,
                                     "nilai": 87.5, "aktif": True, "data": {"unit": "DISKOMINFO"}})
    api = queue.worker()
    [task] = fetch(api, "w1", "kirim-email")
    assert fetch(api, "w2", "kirim-email") == []  # locked by w1

    assert set(task) == set(LOCKED_FIELDS)
    for field, kind in LOCKED_FIELDS.items():
        assert isinstance(task[field], kind), field
    assert (task["activityId"], task["topicName"], task["workerId"], task["priority"], task["retries"]) == (
        "Task_kirim", "kirim-email", "w1", 10, None)
    assert task["processInstanceId"] == str(instance_id) and task["processDefinitionKey"] == "tasks_external"
    assert task["businessKey"] == "k1"
    assert CAMUNDA_DATE.match(task["lockExpirationTime"])
    assert task["lockExpirationTime"] == (T0 + timedelta(milliseconds=LOCK_MS)).strftime(
        "%Y-%m-%dT%H:%M:%S.000+0000")
    variables = task["variables"]
    assert variables["alamat"] == {"type": "String", "value": "ani@samarinda.go.id", "valueInfo": {}}
    assert variables["prioritas"]["type"] == "Integer" and variables["jumlah"]["type"] == "Long"
    assert variables["nilai"] == {"type": "Double", "value": 87.5, "valueInfo": {}}
    assert variables["aktif"]["type"] == "Boolean"
    assert variables["data"] == {"type": "Json", "value": '{"unit": "DISKOMINFO"}', "valueInfo": {}}

    listed = api.get(f"{BASE}/{task['id']}").get_json()
    assert listed["workerId"] == "w1" and listed["suspended"] is False and "variables" not in listed
    [(kind, actor, data)] = [e for e in queue.events(instance_id) if e[0] == "external_task_locked"]
    assert (actor, data["worker_id"]) == (WORKER_ACCOUNT, "w1")


def test_several_topics_max_tasks_and_a_variables_filter(queue: Queue) -> None:
    first = queue.start("k1", {"alamat": "a@x.id", "prioritas": 1})
    second = queue.start("k2", {"alamat": "b@x.id", "prioritas": 1})
    api = queue.worker()
    body = fetch_body("w1", max_tasks=1)
    body["topics"] = [{"topicName": "arsip", "lockDuration": LOCK_MS},
                      {"topicName": "kirim-email", "lockDuration": 1000, "variables": ["alamat", "tidak-ada"]}]
    [one] = api.post(f"{BASE}/fetchAndLock", json=body).get_json()
    assert one["processInstanceId"] == str(first) and one["variables"] == {
        "alamat": {"type": "String", "value": "a@x.id", "valueInfo": {}}}
    assert one["lockExpirationTime"] == (T0 + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    body["maxTasks"] = 5
    [two] = api.post(f"{BASE}/fetchAndLock", json=body).get_json()
    assert two["processInstanceId"] == str(second)
    assert api.post(f"{BASE}/fetchAndLock", json={**body, "maxTasks": 0}).get_json() == []


def test_an_expired_lock_lets_another_worker_fetch_and_refuses_the_first(queue: Queue) -> None:
    instance_id = queue.start("k1")
    api = queue.worker()
    [task] = fetch(api, "w1", "kirim-email")
    queue.move_clock(T0 + timedelta(milliseconds=LOCK_MS + 1000))
    [again] = fetch(api, "w2", "kirim-email")
    assert again["id"] == task["id"] and again["workerId"] == "w2"
    camunda_error(api.post(f"{BASE}/{task['id']}/complete", json={"workerId": "w1"}), 400)
    assert api.post(f"{BASE}/{task['id']}/complete", json={"workerId": "w2"}).status_code == 204
    assert queue.rows(instance_id)[0][:2] == ("Task_kirim", "completed")


def test_complete_with_typed_variables_moves_the_instance_on_once(queue: Queue) -> None:
    instance_id = queue.start("k1")
    api = queue.worker()
    [task] = fetch(api, "w1", "kirim-email")
    response = api.post(f"{BASE}/{task['id']}/complete", json={
        "workerId": "w1",
        "variables": {"terkirim": {"value": True, "type": "Boolean"},
                      "jumlah": {"value": "3", "type": "Integer"},
                      "dikirim": {"value": "2027-01-04T15:00:00.000+0700", "type": "Date"},
                      "balasan": {"value": '{"kode": 250}', "type": "Json"},
                      "catatan": {"value": "terkirim"}},
        "localVariables": {"percobaan": {"value": 1, "type": "Integer"}}})
    assert response.status_code == 204 and response.get_data() == b""
    data = queue.variables(instance_id)
    assert (data["terkirim"], data["jumlah"], data["balasan"], data["catatan"], data["percobaan"]) == (
        True, 3, {"kode": 250}, "terkirim", 1)
    assert data["dikirim"] == "2027-01-04T15:00:00+07:00"
    assert [(bpmn, state) for bpmn, state, _ in queue.rows(instance_id)] == [
        ("Task_kirim", "completed"), ("Task_arsip", "open")]
    camunda_error(api.post(f"{BASE}/{task['id']}/complete", json={"workerId": "w1"}), 404)  # done: gone
    [completed] = [e for e in queue.events(instance_id) if e[0] == "external_task_completed"]
    assert completed[1] == WORKER_ACCOUNT and completed[2]["worker_id"] == "w1"


def test_a_wrong_variable_is_refused_and_nothing_changes(queue: Queue) -> None:
    instance_id = queue.start("k1")
    api = queue.worker()
    [task] = fetch(api, "w1", "kirim-email")
    version = queue.instance(instance_id).version
    for variables in ({"n": {"value": "tiga", "type": "Integer"}}, {"f": {"value": "eA==", "type": "Bytes"}},
                      {"x": "not typed"}, {"d": {"value": "kemarin", "type": "Date"}}):
        response = api.post(f"{BASE}/{task['id']}/complete", json={"workerId": "w1", "variables": variables})
        camunda_error(response, 400)
        assert response.get_json()["type"] == "InvalidRequestException"
    assert queue.instance(instance_id).version == version
    assert queue.rows(instance_id) == [("Task_kirim", "open", "w1")]
    assert "external_task_completed" not in [e[0] for e in queue.events(instance_id)]


def test_failures_with_retries_wait_and_the_last_makes_an_incident(queue: Queue) -> None:
    instance_id = queue.start("k1")
    api = queue.worker()
    [task] = fetch(api, "w1", "kirim-email")
    failed = api.post(f"{BASE}/{task['id']}/failure", json={
        "workerId": "w1", "errorMessage": "SIASN tidak menjawab", "errorDetails": "timeout 30 s",
        "retries": 1, "retryTimeout": 60_000})
    assert failed.status_code == 204
    assert fetch(api, "w1", "kirim-email") == []  # not before the retry timeout
    queue.move_clock(T0 + timedelta(minutes=2))
    [again] = fetch(api, "w1", "kirim-email")
    assert (again["retries"], again["errorMessage"], again["errorDetails"]) == (
        1, "SIASN tidak menjawab", "timeout 30 s")
    assert api.post(f"{BASE}/{task['id']}/failure", json={
        "workerId": "w1", "errorMessage": "SIASN mati", "retries": 0, "retryTimeout": 0}).status_code == 204

    stored = queue.instance(instance_id)
    assert stored.status == "error" and stored.error["message"] == "SIASN mati"
    incidents = api.get(f"{BASE}?noRetriesLeft=true").get_json()
    assert [(t["id"], t["retries"], t["errorMessage"]) for t in incidents] == [(task["id"], 0, "SIASN mati")]
    assert api.get(f"{BASE}?withRetriesLeft=true").get_json() == []
    assert api.get(f"{BASE}/count?topicName=kirim-email").get_json() == {"count": 1}
    assert fetch(api, "w1", "kirim-email") == []  # an incident is not fetched
    kinds = [e[0] for e in queue.events(instance_id)]
    assert kinds.count("external_task_failed") == 2 and "instance_failed" in kinds


def test_a_bpmn_error_reaches_the_boundary_event_and_an_uncaught_one_is_refused(queue: Queue) -> None:
    caught, uncaught = queue.start("k1"), queue.start("k2")
    api = queue.worker()
    tasks = {t["processInstanceId"]: t for t in fetch(api, "w1", "kirim-email")}
    refused = api.post(f"{BASE}/{tasks[str(uncaught)]['id']}/bpmnError", json={"workerId": "w1",
                                                                                "errorCode": "LAIN"})
    assert "LAIN" in camunda_error(refused, 400)
    assert queue.rows(uncaught) == [("Task_kirim", "open", "w1")]

    thrown = api.post(f"{BASE}/{tasks[str(caught)]['id']}/bpmnError", json={
        "workerId": "w1", "errorCode": "ALAMAT_SALAH", "errorMessage": "domain tidak dikenal",
        "variables": {"alasan": {"value": "alamat tidak ada", "type": "String"}}})
    assert thrown.status_code == 204
    assert queue.instance(caught).status == "completed"  # ended at the boundary's end event
    assert queue.rows(caught) == [("Task_kirim", "cancelled", "w1")]
    assert "external_task_bpmn_error" in [e[0] for e in queue.events(caught)]


def test_only_the_lock_holder_may_extend_it(queue: Queue) -> None:
    instance_id = queue.start("k1")
    api = queue.worker()
    [task] = fetch(api, "w1", "kirim-email")
    camunda_error(api.post(f"{BASE}/{task['id']}/extendLock", json={"workerId": "w2", "newDuration": 60_000}), 400)
    camunda_error(api.post(f"{BASE}/{task['id']}/extendLock", json={"workerId": "w1", "newDuration": -5}), 400)
    assert api.get(f"{BASE}/{task['id']}").get_json()["lockExpirationTime"] == task["lockExpirationTime"]
    assert api.post(f"{BASE}/{task['id']}/extendLock", json={"workerId": "w1",
                                                              "newDuration": 3_600_000}).status_code == 204
    assert api.get(f"{BASE}/{task['id']}").get_json()["lockExpirationTime"] == "2027-01-04T02:00:00.000+0000"
    extended = [e for e in queue.events(instance_id) if e[0] == "external_task_lock_extended"]
    assert [(e[1], e[2]["worker_id"]) for e in extended] == [(WORKER_ACCOUNT, "w1")]


def test_unknown_tasks_answer_404_in_camundas_shape(queue: Queue) -> None:
    api = queue.worker()
    for path in ("/999999", "/abc", "/-1", "/" + "9" * 40, "/999999/errorDetails"):
        camunda_error(api.get(f"{BASE}{path}"), 404)
    for action in ("complete", "failure", "bpmnError", "extendLock", "unlock"):
        body = {"workerId": "w1", "errorCode": "X", "newDuration": 1000}
        camunda_error(api.post(f"{BASE}/999999/{action}", json=body), 404)


def test_only_worker_and_admin_tokens_reach_external_tasks(queue: Queue) -> None:
    queue.start("k1")
    nobody = ApiClient(queue.app.test_client(), None)
    no_token = nobody.post(f"{BASE}/fetchAndLock", json=fetch_body("w1", "kirim-email"))
    camunda_error(no_token, 401)
    assert no_token.headers["WWW-Authenticate"].startswith("Bearer")
    for username in (EMPLOYEES[0][0], "bkpsdm", "inspektorat"):
        refused = queue.worker(username).post(f"{BASE}/fetchAndLock", json=fetch_body("w1", "kirim-email"))
        camunda_error(refused, 403)
        assert refused.get_json()["type"] == "AuthorizationException"
        camunda_error(queue.worker(username).get(BASE), 403)
    assert len(fetch(queue.worker("admin"), "w1", "kirim-email")) == 1


def test_bad_bodies_are_refused_as_camunda_refuses_them(queue: Queue) -> None:
    api = queue.worker()
    for body in ({"maxTasks": 1, "topics": []}, {"workerId": "w1", "topics": []},
                 fetch_body("w1", "kirim-email", max_tasks=-1),
                 {"workerId": "w1", "maxTasks": 1, "topics": [{"topicName": "kirim-email"}]},
                 {"workerId": "w1", "maxTasks": 1, "topics": "kirim-email"},
                 fetch_body("w1", "kirim-email", asyncResponseTimeout=1_800_001)):
        response = api.post(f"{BASE}/fetchAndLock", json=body)
        camunda_error(response, 400)
    camunda_error(api.post(f"{BASE}/fetchAndLock", data="[", content_type="application/json"), 400)
    camunda_error(api.get(f"{BASE}?locked=perhaps"), 400)


def test_the_plural_kebab_paths_and_long_polling(queue: Queue) -> None:
    import time

    api = queue.worker()
    began = time.monotonic()
    assert api.post("/api/v1/external-tasks/fetch-and-lock",
                    json=fetch_body("w1", "kirim-email", asyncResponseTimeout=600)).get_json() == []
    assert time.monotonic() - began >= 0.5  # waited for a task before answering empty
    began = time.monotonic()
    assert api.post("/api/v1/external-tasks/fetch-and-lock", json=fetch_body(
        "w1", "kirim-email", max_tasks=0, asyncResponseTimeout=600)).get_json() == []
    assert time.monotonic() - began < 0.5  # nothing could ever be answered: no wait
    instance_id = queue.start("k1")
    [task] = fetch(api, "w1", "kirim-email")
    assert api.post(f"/api/v1/external-tasks/{task['id']}/extend-lock",
                    json={"workerId": "w1", "newDuration": 1000}).status_code == 204
    assert api.post(f"/api/v1/external-tasks/{task['id']}/complete", json={"workerId": "w1"}).status_code == 204
    assert queue.rows(instance_id)[1] == ("Task_arsip", "open", None)
    assert [t["activityId"] for t in api.get("/api/v1/external-tasks?topicName=arsip").get_json()] == ["Task_arsip"]


def test_every_external_task_route_is_described_for_the_openapi_document(queue: Queue) -> None:
    described = {(op["method"], op["path"]) for op in external_operations()}
    routed = {(method.lower(), rule.rule.replace("<task_id>", "{task_id}"))
              for rule in queue.app.url_map.iter_rules() if rule.rule.startswith("/api/v1/external-task")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert described == routed and len(routed) == 20


def test_unlock_frees_a_task_at_once_and_the_listing_pages(queue: Queue) -> None:
    first, second, third = queue.start("k1"), queue.start("k2"), queue.start("k3")
    api = queue.worker()
    [task, *_] = fetch(api, "w1", "kirim-email")
    assert task["processInstanceId"] == str(first)
    admin = queue.worker("admin")
    assert admin.post(f"{BASE}/{task['id']}/unlock").status_code == 204
    assert [t["processInstanceId"] for t in fetch(api, "w2", "kirim-email", max_tasks=1)] == [str(first)]
    unlocked = [e for e in queue.events(first) if e[0] == "external_task_unlocked"]
    assert [(e[1], e[2]["previous_worker_id"]) for e in unlocked] == [("admin", "w1")]

    page = api.get(f"{BASE}?topicName=kirim-email&firstResult=1&maxResults=1").get_json()
    assert [t["processInstanceId"] for t in page] == [str(second)]
    assert [t["processInstanceId"] for t in api.get(f"{BASE}?workerId=w1").get_json()] == [str(second), str(third)]
    assert [t["processInstanceId"] for t in api.get(f"{BASE}?locked=true&workerId=w2").get_json()] == [str(first)]
    camunda_error(api.get(f"{BASE}?locked=true&notLocked=true"), 400)


def test_a_late_worker_may_still_complete_while_nobody_else_took_the_task(queue: Queue) -> None:
    instance_id = queue.start("k1")
    api = queue.worker()
    [task] = fetch(api, "w1", "kirim-email")
    queue.move_clock(T0 + timedelta(milliseconds=LOCK_MS, minutes=1))
    camunda_error(api.post(f"{BASE}/{task['id']}/extendLock", json={"workerId": "w1", "newDuration": 1000}), 400)
    assert api.post(f"{BASE}/{task['id']}/complete", json={"workerId": "w1"}).status_code == 204
    assert queue.rows(instance_id)[0][:2] == ("Task_kirim", "completed")
