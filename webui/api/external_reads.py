"""Read the external-task queue over REST: Camunda's GET /external-task, /count, /{id} and /{id}/errorDetails."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from engine.errors import NotFound
from engine.runtime.external import external_queries
from engine.runtime.external.external_queries import Filter

from ..extensions import db
from . import external_spec  # noqa: F401  (the routes join the OpenAPI document)
from .external_shapes import ShapeError, task_json
from .external_tasks import route, task_id_of, worker_api

#: A listing answers at most this many tasks per call (firstResult pages on).
MAX_RESULTS = 1000


def _flag(name: str) -> bool:
    value = request.args.get(name, "").lower()
    if value not in ("", "true", "false"):
        raise ShapeError(f"'{name}' must be true or false")
    return value == "true"


def _number(name: str, default: int | None = None) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ShapeError(f"'{name}' must be a whole number") from exc


def _choice(yes: str, no: str) -> bool | None:
    wanted, unwanted = _flag(yes), _flag(no)
    if wanted and unwanted:
        raise ShapeError(f"'{yes}' and '{no}' exclude each other")
    return True if wanted else False if unwanted else None


def query_filter() -> Filter:
    """Return the Filter of Camunda's external task query parameters."""
    task_id = request.args.get("externalTaskId")
    instance_id = request.args.get("processInstanceId")
    for name, value in (("externalTaskId", task_id), ("processInstanceId", instance_id)):
        if value is not None and not value.isdigit():
            raise ShapeError(f"'{name}' must be the id of an external task or instance Kinerja gave")
    return Filter(
        external_task_id=int(task_id) if task_id else None,
        topic=request.args.get("topicName") or None,
        worker_id=request.args.get("workerId") or None,
        locked=_choice("locked", "notLocked"),
        retries_left=_choice("withRetriesLeft", "noRetriesLeft"),
        instance_id=int(instance_id) if instance_id else None,
        bpmn_id=request.args.get("activityId") or None,
        priority_at_least=_number("priorityHigherThanOrEquals"),
        priority_at_most=_number("priorityLowerThanOrEquals"))


@route("", "", methods=["GET"])
@worker_api
def list_tasks() -> Response:
    """List open external tasks, highest priority first, then oldest; firstResult and maxResults page."""
    first = _number("firstResult", 0) or 0
    size = min(_number("maxResults", MAX_RESULTS) or 0, MAX_RESULTS)
    if first < 0 or size < 0:
        raise ShapeError("'firstResult' and 'maxResults' cannot be negative")
    found = external_queries.open_tasks(db.session, query_filter(), limit=size, offset=first)
    return jsonify([task_json(item) for item in found])


@route("/count", "/count", methods=["GET"])
@worker_api
def count_tasks() -> Response:
    """Count the open external tasks that match the query."""
    return jsonify({"count": external_queries.count_open(db.session, query_filter())})


def _one(task_id: str) -> Any:
    found = external_queries.listed(db.session, task_id_of(task_id))
    if found is None:
        raise NotFound(f"External task with id {task_id} does not exist")
    return found


@route("/<task_id>", "/<task_id>", methods=["GET"])
@worker_api
def get_task(task_id: str) -> Response:
    """Return one open external task."""
    return jsonify(task_json(_one(task_id)))


@route("/<task_id>/errorDetails", "/<task_id>/error-details", methods=["GET"])
@worker_api
def error_details(task_id: str) -> Response:
    """Return the details of the task's last reported failure as text."""
    details = _one(task_id).task.error_details
    if details is None:
        return Response(status=204)
    return Response(details, mimetype="text/plain")
