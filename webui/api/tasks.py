"""Tasks through the API: my tasks, one task with its form, complete, claim and release — the web's checks."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, request

from engine.errors import Conflict
from engine.models import HumanTask
from engine.runtime.human_tasks import inbox, tasks

from ..auth.users import User
from ..extensions import db
from .auth import api_user, token_required
from .body import json_object
from .spec import SCHEMAS, operation

MAX_LIMIT = 200
TAG = "tasks"

_MOMENT = {"type": ["string", "null"], "format": "date-time"}
_NAMES = {"type": "array", "items": {"type": "string"}}
SCHEMAS["Task"] = {
    "type": "object",
    "description": "A human task (engine.runtime.human_tasks.inbox.task_dict) with the caller's `relation`.",
    "required": ["id", "instance_id", "bpmn_id", "name", "process_id", "state", "relation"], "properties": {
        "id": {"type": "integer"}, "instance_id": {"type": "integer"}, "bpmn_id": {"type": "string"},
        "name": {"type": "string"}, "process_id": {"type": "string"}, "lane": {"type": ["string", "null"]},
        "state": {"type": "string", "enum": ["open", "completed", "cancelled"]},
        "assignee": {"type": ["string", "null"]}, "claimed_by": {"type": ["string", "null"]},
        "candidate_users": _NAMES, "candidate_groups": _NAMES, "due_at": _MOMENT, "follow_up_at": _MOMENT,
        "created_at": _MOMENT, "completed_at": _MOMENT, "completed_by": {"type": ["string", "null"]},
        "documentation": {"type": ["string", "null"]}, "properties": {"type": ["object", "null"]},
        "form": {"type": "object", "description": "The form: `key`, `fields` (id, label, type, constraints, "
                 "`value` to start with) and, for a custom editor, `values`. Left out of listings."},
        "relation": {"type": "string", "enum": ["assigned", "claimed", "candidate", "completed"]}}}
SCHEMAS["TaskPage"] = {"type": "object", "required": ["items", "total", "limit", "offset"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
    "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"}}}


def relation(row: HumanTask, user: User) -> str | None:
    """Return how the user stands to a task they may see, or None when it is none of their business."""
    if row.state == "open":
        if row.assignee == user.username:
            return "assigned"
        if row.claimed_by == user.username:
            return "claimed"
        if row.assignee is None and row.claimed_by is None and tasks.is_candidate(
                tasks.candidates_of(db.session, row.id), user.username, user.groups):
            return "candidate"
    elif row.completed_by == user.username:
        return "completed"
    return None


def _was_candidate(row: HumanTask, user: User) -> bool:
    return user.username == row.assignee or tasks.is_candidate(
        tasks.candidates_of(db.session, row.id), user.username, user.groups)


def _visible(task_id: int, *, acting: bool = False) -> tuple[HumanTask, str]:
    """Return a task the caller may see and their relation; 404 for any other, whether it exists or not.

    A candidate acting on a task a colleague took or completed meanwhile learns that (409), never its data.
    """
    user = api_user()
    row = db.session.get(HumanTask, task_id)
    if row is None:
        abort(404, f"task {task_id} does not exist or is not yours")
    found = relation(row, user)
    if found is not None:
        return row, found
    if acting and _was_candidate(row, user):
        holder = row.completed_by if row.state == "completed" else (row.assignee or row.claimed_by)
        raise Conflict(f"task {task_id} is {row.state}" + (f", held or completed by {holder}" if holder else ""),
                       task_id=task_id, state=row.state)
    abort(404, f"task {task_id} does not exist or is not yours")


def _stored(task_id: int) -> HumanTask:
    """Return the task row as committed (the engine changes it with plain statements)."""
    row = db.session.get(HumanTask, task_id)
    if row is None:
        abort(404)
    db.session.refresh(row)
    return row


def as_json(row: HumanTask, how: str, *, with_form: bool = True) -> dict[str, Any]:
    """Return the task's JSON form with the caller's relation (without its form in listings)."""
    value = {**inbox.task_dict(row), "relation": how}
    if not with_form:
        value.pop("form", None)
    return value


@operation("get", "/tasks", "My open tasks: assigned to me, claimed by me, or offered to me or my groups.",
           tag=TAG, result="TaskPage", responses={"200": "One page of tasks, soonest due first."},
           query={"limit": ({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50}, "Page size."),
                  "offset": ({"type": "integer", "minimum": 0, "default": 0}, "Tasks to skip.")})
@token_required
def list_tasks() -> Response:
    """List the caller's open tasks, soonest due first."""
    user = api_user()
    limit = min(max(request.args.get("limit", 50, type=int) or 50, 1), MAX_LIMIT)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    page = inbox.open_tasks_for(db.session, user.username, user.groups, limit=limit, offset=offset)
    items = [as_json(row, relation(row, user) or "candidate", with_form=False) for row in page.items]
    return jsonify({"items": items, "total": page.total, "limit": page.limit, "offset": page.offset})


@operation("get", "/tasks/<int:task_id>", "One task with its form and the values it starts with.", tag=TAG,
           result="Task", responses={"200": "The task.", "404": "No such task, or not the caller's."})
@token_required
def show_task(task_id: int) -> Response:
    """Return a task the caller holds, may claim, or completed."""
    row, how = _visible(task_id)
    return jsonify(as_json(row, how))


@operation("post", "/tasks/<int:task_id>/complete", "Complete a task with its form's values.", tag=TAG,
           result="Task", body={"type": "object", "description": "The form's values by field id (the custom "
                                "editors' data as their documentation says).", "additionalProperties": True},
           responses={"200": "Completed; the process ran on.", "400": "Not a JSON object, or field errors.",
                      "403": "A candidate's task not claimed yet.", "404": "No such task, or not the caller's.",
                      "409": "Already completed (a repeated submission), or taken by someone else, or the "
                             "instance changed meanwhile.", "422": "The process refused the values."})
@token_required
def complete_task(task_id: int) -> Response:
    """Complete the task as the web's Submit does; nothing is stored on a refusal."""
    row, how = _visible(task_id, acting=True)
    data = json_object()
    if how == "completed":
        raise Conflict(f"task {task_id} is already completed", task_id=task_id, state="completed",
                       completed_by=row.completed_by)
    user = api_user()
    tasks.complete(db.session, task_id, user.username, data, user.groups)
    db.session.commit()
    return jsonify(as_json(_stored(task_id), "completed"))


@operation("post", "/tasks/<int:task_id>/claim", "Claim a task offered to the caller's groups.", tag=TAG,
           result="Task", responses={"200": "Claimed: only the caller works on it now.",
                                     "404": "No such task, or not the caller's.",
                                     "409": "Someone holds or completed it already."})
@token_required
def claim_task(task_id: int) -> Response:
    """Take a group task."""
    _, how = _visible(task_id, acting=True)
    if how != "candidate":
        raise Conflict(f"task {task_id} is not waiting to be claimed", task_id=task_id, relation=how)
    user = api_user()
    tasks.claim(db.session, task_id, user.username, user.groups)
    db.session.commit()
    return jsonify(as_json(_stored(task_id), "claimed"))


@operation("post", "/tasks/<int:task_id>/unclaim", "Give a claimed task back to its candidates.", tag=TAG,
           result="Task", responses={"200": "Released.", "404": "No such task, or not the caller's.",
                                     "409": "The caller did not claim it."})
@token_required
def unclaim_task(task_id: int) -> Response:
    """Release a task the caller claimed."""
    _, how = _visible(task_id, acting=True)
    if how != "claimed":
        raise Conflict(f"task {task_id} is not claimed by you", task_id=task_id, relation=how)
    tasks.unclaim(db.session, task_id, api_user().username)
    db.session.commit()
    row = _stored(task_id)
    return jsonify(as_json(row, relation(row, api_user()) or "candidate"))
