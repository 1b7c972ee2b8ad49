"""Camunda 7 REST shapes of external tasks: Kinerja rows and plain data to and from typed JSON, as pure functions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from engine import data_limits
from engine.errors import FormInvalid
from engine.runtime.external.external_queries import Listed

#: Camunda's Integer is a Java int; a larger whole number is a Long.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
#: Camunda refuses a long-polling timeout above 30 minutes.
MAX_ASYNC_TIMEOUT_MS = 1_800_000
#: Types a worker may send; Bytes, File, Xml and Java Object serializations are not supported.
INPUT_TYPES = {"string", "integer", "long", "short", "double", "boolean", "date", "json", "null", "object"}


class ShapeError(ValueError):
    """A request body that does not follow Camunda's shape; the message says what is wrong."""


def format_date(value: datetime | None) -> str | None:
    """Return a time as Camunda writes it by default: 2027-01-04T08:00:00.000+0000."""
    if value is None:
        return None
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}+0000"


def parse_date(text: str) -> datetime:
    """Read a Camunda date (…+0200, …Z or ISO 8601) as an aware datetime."""
    cleaned = text.strip()
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    elif len(cleaned) > 5 and cleaned[-5] in "+-" and cleaned[-4:].isdigit():
        cleaned = cleaned[:-2] + ":" + cleaned[-2:]
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise ShapeError(f"'{text}' is not a date (yyyy-MM-dd'T'HH:mm:ss.SSSZ)") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def typed(value: Any) -> dict[str, Any]:
    """Return a plain value as a Camunda typed value {type, value, valueInfo}."""
    if value is None:
        return {"type": "Null", "value": None, "valueInfo": {}}
    if isinstance(value, bool):
        return {"type": "Boolean", "value": value, "valueInfo": {}}
    if isinstance(value, int):
        kind = "Integer" if INT_MIN <= value <= INT_MAX else "Long"
        return {"type": kind, "value": value, "valueInfo": {}}
    if isinstance(value, float):
        return {"type": "Double", "value": value, "valueInfo": {}}
    if isinstance(value, str):
        return {"type": "String", "value": value, "valueInfo": {}}
    # Camunda sends a Json variable's value as JSON text, so clients parse it the same way.
    return {"type": "Json", "value": json.dumps(value, ensure_ascii=False, sort_keys=True), "valueInfo": {}}


def typed_variables(data: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """Return {name: typed value} of the data, only the names asked for when given (missing ones left out)."""
    wanted = data.keys() if names is None else [name for name in names if name in data]
    return {name: typed(data[name]) for name in wanted}


def plain(name: str, given: Any) -> Any:
    """Return the plain value of a typed value a worker sent; an untyped {value} keeps its JSON type."""
    if not isinstance(given, Mapping) or ("value" not in given and given.get("type", "").lower() != "null"):
        raise ShapeError(f"variable '{name}' must be an object {{\"value\": ..., \"type\": ...}}")
    value, kind = given.get("value"), str(given.get("type") or "").lower()
    if not kind:
        return value
    if kind not in INPUT_TYPES:
        raise ShapeError(f"variable '{name}' has type '{given.get('type')}', which Kinerja does not store; "
                         "use String, Integer, Long, Double, Boolean, Date, Json or Null")
    if value is None or kind == "null":
        return None
    try:
        return _convert(kind, value, given.get("valueInfo") or {})
    except (TypeError, ValueError) as exc:
        raise ShapeError(f"variable '{name}' is not a valid {given.get('type')}: {exc}") from exc


def _convert(kind: str, value: Any, info: Mapping[str, Any]) -> Any:
    if kind == "string":
        return str(value)
    if kind in ("integer", "long", "short"):
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"{value!r} is not a whole number")
        return int(value)
    if kind == "double":
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    if kind == "boolean":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return value
    if kind == "date":
        # Process data is JSON: a date is kept as ISO 8601 text, as the forms store dates.
        return parse_date(str(value)).isoformat()
    if kind == "object" and info.get("serializationDataFormat") not in (None, "application/json"):
        raise ValueError("only objects serialized as application/json are accepted")
    if not isinstance(value, str):
        return value  # json, or object as JSON
    try:
        return data_limits.parse_json(value)
    except FormInvalid as refused:
        raise ValueError(refused.items[0]["message"]) from refused


def plain_variables(given: Any, field: str = "variables") -> dict[str, Any]:
    """Return {name: plain value} of a request's typed variables (absent or null: none)."""
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise ShapeError(f"'{field}' must be an object of variables")
    return {str(name): plain(str(name), value) for name, value in given.items()}


def task_json(listed: Listed, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return an external task as Camunda's GET /external-task answers it (and, with variables, as fetched)."""
    task, instance, version = listed.task, listed.instance, listed.spec_version
    shown: dict[str, Any] = {
        "activityId": task.bpmn_id,
        "activityInstanceId": f"{task.bpmn_id}:{task.spiff_task_id}",
        "errorMessage": task.error_message,
        "executionId": task.spiff_task_id,
        "id": str(task.id),
        "lockExpirationTime": format_date(task.lock_expires_at),
        "createTime": format_date(task.created_at),
        "processDefinitionId": f"{version.process_id}:{version.version}:{version.id}",
        "processDefinitionKey": version.process_id,
        "processDefinitionVersionTag": None,
        "processInstanceId": str(instance.id),
        "tenantId": None,
        "retries": task.retries,
        "suspended": instance.status == "suspended",
        "workerId": task.worker_id,
        "topicName": task.topic,
        "priority": task.priority,
        "businessKey": instance.business_key,
    }
    if variables is not None:
        del shown["suspended"]
        shown.update(errorDetails=task.error_details, variables=dict(variables), extensionProperties={})
    return shown


@dataclass(frozen=True)
class Topic:
    """One topic of a fetch: its lock duration and the variables to return (None: all)."""

    name: str
    lock_duration: timedelta
    variables: list[str] | None


@dataclass(frozen=True)
class Fetch:
    """A fetch-and-lock request."""

    worker_id: str
    max_tasks: int
    use_priority: bool
    topics: list[Topic]
    #: Long polling: how long to wait for a task when none is free (0: answer at once).
    async_timeout: timedelta


def fetch_request(body: Any) -> Fetch:
    """Read a POST /external-task/fetchAndLock body, refusing what Camunda refuses."""
    if not isinstance(body, Mapping):
        raise ShapeError("the request body must be a JSON object")
    worker_id = required_text(body, "workerId")
    max_tasks = whole(body.get("maxTasks"), "maxTasks", minimum=0)
    timeout = whole(body.get("asyncResponseTimeout") or 0, "asyncResponseTimeout", minimum=0)
    if timeout > MAX_ASYNC_TIMEOUT_MS:
        raise ShapeError(f"asyncResponseTimeout cannot be set larger than {MAX_ASYNC_TIMEOUT_MS} ms")
    topics = body.get("topics") or []
    if not isinstance(topics, list):
        raise ShapeError("'topics' must be a list of topic objects")
    read = [_topic(item) for item in topics]
    if len({topic.name for topic in read}) != len(read):
        raise ShapeError("a topic is named twice in 'topics'")
    return Fetch(worker_id, max_tasks, bool(body.get("usePriority")), read, timedelta(milliseconds=timeout))


def _topic(item: Any) -> Topic:
    if not isinstance(item, Mapping):
        raise ShapeError("each topic must be an object {topicName, lockDuration}")
    name = required_text(item, "topicName")
    duration = whole(item.get("lockDuration"), "lockDuration", minimum=1)
    names = item.get("variables")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise ShapeError("'variables' of a topic must be a list of variable names")
    return Topic(name, timedelta(milliseconds=duration), names)


def required_text(body: Mapping[str, Any], field: str) -> str:
    """Return a required, non-empty text field."""
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ShapeError(f"'{field}' is required")
    return value.strip()


def whole(value: Any, field: str, minimum: int) -> int:
    """Return a whole number field at least minimum."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ShapeError(f"'{field}' must be a whole number")
    if value < minimum:
        raise ShapeError(f"'{field}' must be at least {minimum}")
    return value
