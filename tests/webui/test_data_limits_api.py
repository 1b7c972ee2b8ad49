"""The JSON API against hostile bodies: a 4xx with a clear message or a success, never a 500, state unchanged.

Task completion (the example `izin_pelatihan`), opening a cycle (the API's way to start instances) and the
external-task completion in Camunda's shape, with the small data limits of `data_inputs.SMALL_LIMITS`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine.data_limits import DataLimits, set_data_limits
from engine.models import Instance
from tests.webui.api_external_fixtures import Queue, fetch, queue_fixture  # noqa: F401
from tests.webui.api_fixtures import api_for

from .data_inputs import SMALL_LIMITS, WEB, json_values, keys, nearly_full_training, nested, raw_json_texts, texts
from .tasks_fixtures import PEGAWAI
from .tasks_fixtures import training as training  # the fixture, requested by name

VALID = {"nama_pelatihan": "Pelatihan Analis Kebijakan", "jam_pelajaran": 40, "jenis": "manajerial",
         "tanggal_mulai": "2027-02-10"}
JSON = {"Content-Type": "application/json"}
EXTERNAL = "/api/v1/external-task"


@pytest.fixture
def app(demo_url: str, make_app) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The demo city with small data limits, so values beyond them are cheap to send."""
    yield make_app(demo_url, **SMALL_LIMITS)
    set_data_limits(DataLimits())


def _claimed(training: Any, api: Any, key: str = "izin-1") -> tuple[Any, int]:
    started = training(key=key)
    [task] = started.tasks()
    assert api.post(f"/api/v1/tasks/{task.id}/claim").status_code == 200
    return started, task.id


@pytest.mark.parametrize(("body", "status", "code"), [
    ('{"nama_pelatihan": ' + "[" * 50_000 + "]" * 50_000 + "}", 400, "too_deep"),
    ('{"nama_pelatihan": "Pelatihan", "jam_pelajaran": NaN}', 400, "not_finite"),
    ('{"jam_pelajaran": Infinity}', 400, "not_finite"),
    (json.dumps({**VALID, "k" * 65: 1}), 400, "key_too_long"),
    (json.dumps({**VALID, "nama_pelatihan": "x" * 5_000}), 400, "too_large"),
    (json.dumps({**VALID, "nama_pelatihan": "Pelatihan \u0000"}), 400, "invalid_format"),
    ('{"nama_pelatihan": "\\ud800 Pelatihan"}', 400, "invalid_format"),
])
def test_a_task_body_beyond_the_limits_is_a_400_naming_the_problem_and_stores_nothing(app, training, body, status,
                                                                                     code):
    api = api_for(app, PEGAWAI)
    started, task_id = _claimed(training, api)
    before = started.snapshot()
    refused = api.post(f"/api/v1/tasks/{task_id}/complete", data=body, headers=JSON)
    assert refused.status_code == status, refused.get_data(as_text=True)[:500]
    answer = refused.get_json()
    assert answer["code"] == "form_invalid" and code in [e["code"] for e in answer["errors"]]
    assert started.snapshot() == before


def test_a_cycle_body_nested_too_deep_is_a_400_and_opens_nothing(app):
    api = api_for(app, "bkpsdm")
    with app.app_context():
        from webui.extensions import db
        count = db.session.execute(select(func.count()).select_from(Instance)).scalar_one()
    refused = api.post("/api/v1/cycles", data='{"year": 2028, "unit": ' + "[" * 20_000 + "]" * 20_000 + "}",
                       headers=JSON)
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["code"] == "too_deep"
    refused = api.post("/api/v1/cycles", data='{"year": NaN}', headers=JSON)
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["code"] == "not_finite"
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Instance)).scalar_one() == count


BODIES = st.one_of(
    raw_json_texts(),
    st.fixed_dictionaries({}, optional={
        "nama_pelatihan": st.one_of(texts, json_values), "jam_pelajaran": st.one_of(st.integers(-5, 300), json_values),
        "jenis": st.one_of(st.sampled_from(["teknis", "manajerial"]), json_values),
        "tanggal_mulai": st.one_of(st.just("2027-02-10"), json_values)}).map(json.dumps),
    st.dictionaries(keys, json_values, max_size=3).map(lambda extra: json.dumps({**VALID, **extra})))


def test_task_completion_answers_any_body_with_a_4xx_or_a_completion(app, training):
    api = api_for(app, PEGAWAI)
    current: dict[str, Any] = {"n": 0}

    def fresh() -> None:
        current["n"] += 1
        current["started"], current["task"] = _claimed(training, api, key=f"izin-{current['n']}")

    fresh()

    @WEB
    @given(BODIES)
    def post(body: str) -> None:
        before = current["started"].snapshot()
        response = api.post(f"/api/v1/tasks/{current['task']}/complete", data=body, headers=JSON)
        assert response.status_code in (200, 400, 422), (response.status_code, response.get_data(as_text=True))
        answer = response.get_json()
        assert isinstance(answer, dict) and "Traceback" not in response.get_data(as_text=True)
        if response.status_code == 200:
            fresh()
        else:
            assert answer["code"] in ("form_invalid", "bad_request", "data_too_large", "invalid_input")
            assert answer["message"] and current["started"].snapshot() == before

    post()


def _locked(queue: Queue, api: Any, key: str) -> tuple[int, str]:
    instance_id = queue.start(key)
    tasks = fetch(api, "w1", "kirim-email")
    [task] = [t for t in tasks if t["processInstanceId"] == str(instance_id)]
    return instance_id, task["id"]


@pytest.mark.parametrize("body", [
    '{"workerId": "w1", "variables": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"workerId": "w1", "variables": {"x": {"value": NaN}}}',
    json.dumps({"workerId": "w1", "variables": {"x": {"value": "NaN", "type": "Double"}}}),
    json.dumps({"workerId": "w1", "variables": {"x": {"value": "-Infinity", "type": "Double"}}}),
    json.dumps({"workerId": "w1", "variables": {"x": {"value": json.dumps(nested(20)), "type": "Json"}}}),
    json.dumps({"workerId": "w1", "variables": {"x": {"value": '{"a": NaN}', "type": "Json"}}}),
    json.dumps({"workerId": "w1", "variables": {"k" * 65: {"value": 1}}}),
    json.dumps({"workerId": "w1", "variables": {"x": {"value": "x" * 5_000, "type": "String"}}}),
    json.dumps({"workerId": "w1", "localVariables": {"x": {"value": "a\u0000b", "type": "String"}}}),
    json.dumps({"workerId": "w1", "variables": {f"v{i}": {"value": "v" * 4_000} for i in range(20)}}),
])
def test_an_external_completion_beyond_the_limits_is_a_400_and_changes_nothing(queue, body):
    api = queue.worker()
    instance_id, task_id = _locked(queue, api, "k1")
    version = queue.instance(instance_id).version
    refused = api.post(f"{EXTERNAL}/{task_id}/complete", data=body, headers=JSON)
    assert refused.status_code == 400, refused.get_data(as_text=True)[:500]
    assert set(refused.get_json()) == {"type", "message", "code"} and refused.get_json()["message"]
    assert queue.instance(instance_id).version == version
    assert queue.rows(instance_id) == [("Task_kirim", "open", "w1")]


ODD_VALUES = st.sampled_from(["NaN", "Infinity", "[[[[[[[[[[1]]]]]]]]]]"])
TYPED = st.fixed_dictionaries({"value": st.one_of(json_values, ODD_VALUES)},
                              optional={"type": st.sampled_from(["String", "Integer", "Double", "Boolean", "Json",
                                                                 "Date", "Null", "Bytes", "Object"])})
EXTERNAL_BODIES = st.one_of(
    raw_json_texts(),
    st.fixed_dictionaries({"workerId": st.one_of(st.just("w1"), json_values)}, optional={
        "variables": st.one_of(st.dictionaries(keys, TYPED, max_size=3), json_values),
        "localVariables": st.dictionaries(keys, TYPED, max_size=2)}).map(json.dumps))


def test_external_completion_answers_any_body_with_a_4xx_or_a_completion(queue):
    api = queue.worker()
    current: dict[str, Any] = {"n": 0}

    def fresh() -> None:
        current["n"] += 1
        current["instance"], current["task"] = _locked(queue, api, f"k{current['n']}")

    fresh()

    @WEB
    @given(EXTERNAL_BODIES)
    def post(body: str) -> None:
        version = queue.instance(current["instance"]).version
        response = api.post(f"{EXTERNAL}/{current['task']}/complete", data=body, headers=JSON)
        assert response.status_code in (204, 400), (response.status_code, response.get_data(as_text=True))
        if response.status_code == 204:
            fresh()
        else:
            assert response.get_json()["message"] and "Traceback" not in response.get_data(as_text=True)
            assert queue.instance(current["instance"]).version == version

    post()


def test_values_that_make_the_instance_too_large_are_a_422_and_store_nothing(app):
    started = nearly_full_training(app)
    [task] = started.tasks()
    api = api_for(app, PEGAWAI)
    assert api.post(f"/api/v1/tasks/{task.id}/claim").status_code == 200
    before = started.snapshot()
    refused = api.post(f"/api/v1/tasks/{task.id}/complete", json={**VALID, "nama_pelatihan": "P" * 4_000})
    assert refused.status_code == 422 and refused.get_json()["code"] == "data_too_large"
    assert "an instance may hold at most 65,536 bytes" in refused.get_json()["message"]
    assert started.snapshot() == before
