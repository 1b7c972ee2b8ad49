"""Camunda 7 shapes of external tasks: typed variables both ways, dates, and the fetch-and-lock body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from webui.api.external_shapes import (
    ShapeError,
    fetch_request,
    format_date,
    parse_date,
    plain,
    plain_variables,
    typed,
    typed_variables,
)


@pytest.mark.parametrize(("value", "kind", "shown"), [
    ("ani", "String", "ani"), (7, "Integer", 7), (2**31, "Long", 2**31), (-(2**31) - 1, "Long", -(2**31) - 1),
    (2.5, "Double", 2.5), (False, "Boolean", False), (None, "Null", None),
    ({"b": [1, 2]}, "Json", '{"b": [1, 2]}'), (["x"], "Json", '["x"]')])
def test_plain_values_become_camunda_typed_values(value: object, kind: str, shown: object) -> None:
    assert typed(value) == {"type": kind, "value": shown, "valueInfo": {}}
    assert plain("v", typed(value)) == value  # and back


def test_only_the_variables_asked_for_are_returned() -> None:
    data = {"alamat": "a@x.id", "nilai": 90, "rahasia": "x"}
    assert set(typed_variables(data)) == {"alamat", "nilai", "rahasia"}
    assert typed_variables(data, ["nilai", "tidak-ada"]) == {"nilai": {"type": "Integer", "value": 90,
                                                                        "valueInfo": {}}}
    assert typed_variables(data, []) == {}


@pytest.mark.parametrize(("given", "expected"), [
    ({"value": "12", "type": "Integer"}, 12), ({"value": 12.0, "type": "Long"}, 12),
    ({"value": 3, "type": "Double"}, 3.0), ({"value": "true", "type": "Boolean"}, True),
    ({"value": 5, "type": "String"}, "5"), ({"value": None, "type": "Null"}, None), ({"type": "Null"}, None),
    ({"value": '{"a": 1}', "type": "Json"}, {"a": 1}), ({"value": {"a": 1}, "type": "json"}, {"a": 1}),
    ({"value": '[1]', "type": "Object", "valueInfo": {"serializationDataFormat": "application/json"}}, [1]),
    ({"value": "2027-01-04T08:00:00.000+0700", "type": "Date"}, "2027-01-04T08:00:00+07:00"),
    ({"value": [1, "a"]}, [1, "a"]), ({"value": 4}, 4)])
def test_typed_values_from_a_worker_become_plain_data(given: dict[str, object], expected: object) -> None:
    assert plain("v", given) == expected


@pytest.mark.parametrize("given", [
    "text", {"type": "String"}, {"value": "x", "type": "Integer"}, {"value": 1.5, "type": "Integer"},
    {"value": True, "type": "Integer"}, {"value": "ya", "type": "Boolean"}, {"value": "eA==", "type": "Bytes"},
    {"value": "x", "type": "File"}, {"value": "<a/>", "type": "Xml"}, {"value": "{", "type": "Json"},
    {"value": "x", "type": "Object", "valueInfo": {"serializationDataFormat": "application/x-java-serialized-object"}},
    {"value": "kemarin", "type": "Date"}])
def test_a_value_kinerja_cannot_store_is_refused_with_its_name(given: object) -> None:
    with pytest.raises(ShapeError, match="'nilai'"):
        plain("nilai", given)


def test_variables_must_be_an_object() -> None:
    assert plain_variables(None) == {}
    with pytest.raises(ShapeError, match="'variables'"):
        plain_variables(["a"])


def test_dates_are_written_as_camunda_writes_them_and_read_in_every_camunda_form() -> None:
    moment = datetime(2027, 1, 4, 8, 30, 5, 123456, tzinfo=timezone(timedelta(hours=8)))
    assert format_date(moment) == "2027-01-04T00:30:05.123+0000"
    assert format_date(datetime(2027, 1, 4, 8, 0)) == "2027-01-04T08:00:00.000+0000"  # naive: UTC
    assert format_date(None) is None
    expected = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
    for text in ("2027-01-04T08:00:00.000+0700", "2027-01-04T01:00:00Z", "2027-01-04T01:00:00",
                 "2027-01-04T03:00:00.000+02:00"):
        assert parse_date(text) == expected


def test_a_fetch_body_is_read_with_a_lock_per_topic() -> None:
    fetch = fetch_request({"workerId": " w1 ", "maxTasks": 3, "usePriority": True, "asyncResponseTimeout": 5000,
                           "topics": [{"topicName": "a", "lockDuration": 1000, "variables": ["x"]},
                                      {"topicName": "b", "lockDuration": 60000}]})
    assert (fetch.worker_id, fetch.max_tasks, fetch.use_priority, fetch.async_timeout) == (
        "w1", 3, True, timedelta(seconds=5))
    assert [(t.name, t.lock_duration, t.variables) for t in fetch.topics] == [
        ("a", timedelta(seconds=1), ["x"]), ("b", timedelta(minutes=1), None)]


@pytest.mark.parametrize(("body", "field"), [
    ([], "JSON object"), ({"maxTasks": 1}, "workerId"), ({"workerId": "w", "maxTasks": "1"}, "maxTasks"),
    ({"workerId": "w", "maxTasks": True}, "maxTasks"), ({"workerId": "w", "maxTasks": -1}, "maxTasks"),
    ({"workerId": "w", "maxTasks": 1, "topics": [{"lockDuration": 5}]}, "topicName"),
    ({"workerId": "w", "maxTasks": 1, "topics": [{"topicName": "a", "lockDuration": 0}]}, "lockDuration"),
    ({"workerId": "w", "maxTasks": 1, "topics": [{"topicName": "a", "lockDuration": 5, "variables": "x"}]},
     "variables"),
    ({"workerId": "w", "maxTasks": 1, "topics": [{"topicName": "a", "lockDuration": 5}] * 2}, "twice"),
    ({"workerId": "w", "maxTasks": 1, "asyncResponseTimeout": 1_800_001}, "asyncResponseTimeout")])
def test_a_wrong_fetch_body_names_what_is_wrong(body: object, field: str) -> None:
    with pytest.raises(ShapeError, match=field):
        fetch_request(body)



def test_the_openapi_schemas_of_external_tasks_are_valid_json_schemas() -> None:
    from jsonschema import Draft202012Validator

    from webui.api.external_spec import EXTERNAL_SCHEMAS, external_operations

    for schema in EXTERNAL_SCHEMAS.values():
        Draft202012Validator.check_schema(schema)
    for op in external_operations():
        if op["body"]:
            Draft202012Validator.check_schema(op["body"])
        assert op["result"] is None or op["result"] in EXTERNAL_SCHEMAS
    fetch_schema = next(op["body"] for op in external_operations() if op["path"].endswith("/fetchAndLock"))
    Draft202012Validator(fetch_schema).validate({"workerId": "w", "maxTasks": 1, "topics": [
        {"topicName": "a", "lockDuration": 5, "variables": None}]})
