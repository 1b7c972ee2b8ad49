"""External tasks over REST with Camunda 7's paths, bodies, answers and status codes.

Mounted twice: /api/v1/external-task/... as Camunda spells it (a Camunda client's base URL is /api/v1) and
/api/v1/external-tasks/... in the API's own plural, kebab-case style. Errors are Camunda's {type, message, code}.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, jsonify, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from engine import data_limits
from engine.errors import Conflict, Forbidden, FormInvalid, InvalidInput, InvalidState, KinerjaError, NotFound
from engine.runtime.external import external_queries, external_tasks

from ..extensions import db
from . import bp
from .auth import CHALLENGE, api_user
from .external_shapes import (
    ShapeError,
    fetch_request,
    plain_variables,
    required_text,
    task_json,
    typed_variables,
    whole,
)

F = TypeVar("F", bound=Callable[..., Any])
#: Roles whose tokens may work external tasks.
WORKER_ROLES = ("external_worker", "admin")
#: Long polling holds a web worker: it waits at most this long, then answers [] and the client polls again.
LONG_POLL_CAP = timedelta(seconds=20)
POLL_INTERVAL = 0.5


def camunda_error(status: int, message: str, kind: str = "RestException", code: int = 0) -> Response:
    """Return Camunda's error body {type, message, code} with a status."""
    response = jsonify({"type": kind, "message": message, "code": code})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = CHALLENGE
    return response


def refusal(error: KinerjaError) -> Response:
    """Answer an engine refusal with the status Camunda gives the same case."""
    if isinstance(error, NotFound) or (isinstance(error, Conflict) and "state" in error.details):
        # Camunda deletes a completed or cancelled task: to a worker it no longer exists.
        return camunda_error(404, error.message)
    if isinstance(error, Forbidden | Conflict | InvalidInput | InvalidState | FormInvalid):
        return camunda_error(400, error.message)  # the lock is not the worker's, or the instance is not active
    return camunda_error(500, error.message)


def worker_api(view: F) -> F:
    """Run the view for a worker token in one transaction, answering every refusal in Camunda's shape."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            user = api_user()
        except HTTPException as exc:
            return camunda_error(exc.code or 401, exc.description or "unauthorized", "AuthenticationException")
        if not user.has_role(*WORKER_ROLES):
            return camunda_error(403, f"{user.username} may not work external tasks (role external_worker)",
                                 "AuthorizationException")
        try:
            answer = view(*args, **kwargs)
            db.session.commit()
            return answer
        except ShapeError as exc:
            db.session.rollback()
            return camunda_error(400, str(exc), "InvalidRequestException")
        except KinerjaError as exc:
            db.session.rollback()
            return refusal(exc)
        except StaleDataError:
            db.session.rollback()
            return camunda_error(500, "the instance changed at the same time; try again", "OptimisticLockingException",
                                 code=1)
    return cast(F, wrapped)


def route(camunda: str, plural: str, **options: Any) -> Callable[[F], F]:
    """Register a view under /external-task<camunda> and /external-tasks<plural>."""
    def register(view: F) -> F:
        # Endpoints are prefixed: other API modules have their own list_tasks, get_task...
        name = f"external_task_{view.__name__}"
        bp.add_url_rule(f"/external-task{camunda}", endpoint=name, view_func=view, **options)
        bp.add_url_rule(f"/external-tasks{plural}", endpoint=f"{name}_plural", view_func=view, **options)
        return view
    return register


def _body() -> dict[str, Any]:
    # Read JSON whatever the Content-Type says: worker libraries are not all careful with it.
    text = request.get_data()
    try:
        body = data_limits.parse_json(text) if text else {}
    except FormInvalid as refused:
        raise ShapeError(f"the request body is not accepted: {refused.items[0]['message']}") from refused
    if not isinstance(body, dict):
        raise ShapeError("the request body must be a JSON object")
    return body


def task_id_of(text: str) -> int:
    """Return the id of a path segment; anything that is not one of Kinerja's ids is an unknown task."""
    if not text.isdigit() or len(text) > 18:
        raise NotFound(f"External task with id {text} does not exist")
    return int(text)


def _milliseconds(body: dict[str, Any], field: str, default: int | None = None) -> timedelta:
    value = body.get(field, default)
    return timedelta(milliseconds=whole(value, field, minimum=0))


@route("/fetchAndLock", "/fetch-and-lock", methods=["POST"])
@worker_api
def fetch_and_lock() -> Response:
    """Lock tasks of the topics for the worker and return them with their variables."""
    fetch = fetch_request(_body())
    topics = {topic.name: topic for topic in fetch.topics}
    wait = min(fetch.async_timeout, LONG_POLL_CAP) if topics and fetch.max_tasks else timedelta(0)
    deadline = time.monotonic() + wait.total_seconds()
    while True:
        rows = external_tasks.fetch_and_lock(db.session, fetch.worker_id,
                                             {name: topic.lock_duration for name, topic in topics.items()},
                                             fetch.max_tasks, actor=api_user().username)
        if rows or time.monotonic() >= deadline:
            break
        db.session.commit()  # end the read so the next poll sees tasks created meanwhile
        time.sleep(min(POLL_INTERVAL, max(deadline - time.monotonic(), 0)))
    answer = []
    for row in rows:
        listed = external_queries.listed(db.session, row.id)
        if listed is None:
            continue
        data = external_tasks.variables(db.session, row.id)
        answer.append(task_json(listed, typed_variables(data, topics[row.topic].variables)))
    return jsonify(answer)


@route("/<task_id>/complete", "/<task_id>/complete", methods=["POST"])
@worker_api
def complete(task_id: str) -> Response:
    """Complete the worker's task with its variables (local ones too: a task has one scope here)."""
    body = _body()
    worker = required_text(body, "workerId")
    values = {**plain_variables(body.get("variables")),
              **plain_variables(body.get("localVariables"), "localVariables")}
    external_tasks.complete(db.session, task_id_of(task_id), worker, values, actor=api_user().username)
    return Response(status=204)


@route("/<task_id>/failure", "/<task_id>/failure", methods=["POST"])
@worker_api
def failure(task_id: str) -> Response:
    """Report a failure: retries left make the task fetchable after retryTimeout, none make an incident."""
    body = _body()
    worker = required_text(body, "workerId")
    retries = whole(body.get("retries", 0), "retries", minimum=0)
    message = body.get("errorMessage")
    details = body.get("errorDetails")
    if (message is not None and not isinstance(message, str)) or (details is not None and not isinstance(details, str)):
        raise ShapeError("'errorMessage' and 'errorDetails' must be text")
    external_tasks.handle_failure(db.session, task_id_of(task_id), worker, message or "", details, retries,
                                  _milliseconds(body, "retryTimeout", 0), actor=api_user().username)
    return Response(status=204)


@route("/<task_id>/bpmnError", "/<task_id>/bpmn-error", methods=["POST"])
@worker_api
def bpmn_error(task_id: str) -> Response:
    """Throw a BPMN error from the worker's task to the error boundary event that catches its code."""
    body = _body()
    worker = required_text(body, "workerId")
    code = required_text(body, "errorCode")
    message = body.get("errorMessage")
    external_tasks.handle_bpmn_error(db.session, task_id_of(task_id), worker, code,
                                     message if isinstance(message, str) else None,
                                     plain_variables(body.get("variables")), actor=api_user().username)
    return Response(status=204)


@route("/<task_id>/extendLock", "/<task_id>/extend-lock", methods=["POST"])
@worker_api
def extend_lock(task_id: str) -> Response:
    """Extend the worker's lock to newDuration milliseconds from now."""
    body = _body()
    worker = required_text(body, "workerId")
    duration = timedelta(milliseconds=whole(body.get("newDuration"), "newDuration", minimum=1))
    external_tasks.extend_lock(db.session, task_id_of(task_id), worker, duration, actor=api_user().username)
    return Response(status=204)


@route("/<task_id>/unlock", "/<task_id>/unlock", methods=["POST"])
@worker_api
def unlock(task_id: str) -> Response:
    """Release the task's lock so any worker may fetch it at once."""
    external_tasks.unlock(db.session, task_id_of(task_id), api_user().username)
    return Response(status=204)

