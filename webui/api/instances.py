"""Instances through the API: one instance and its events, with the appraisal page's role rules and audit."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify

from engine import audit
from engine.models import Instance, SpecVersion
from engine.runtime.human_tasks import inbox
from engine.runtime.lifecycle import instances
from workflows.appraisals import appraisal_views
from workflows.appraisals.appraisal_access import (
    ADMIN,
    INSPEKTORAT,
    PEGAWAI,
    PEJABAT_PENILAI,
    Viewer,
    role_for,
    skps_of,
)

from ..extensions import db
from .auth import api_user, token_required
from .spec import SCHEMAS, operation

TAG = "instances"
#: Roles that read the instance as the person concerned: no variables, no one's name on the open tasks.
PERSONAL = (PEGAWAI, PEJABAT_PENILAI)
#: Roles that read any instance, appraisal or not, with its variables.
AUDITING = (INSPEKTORAT, ADMIN)
#: What the access trail says was looked at (`record_viewed` data `dilihat`).
VIEWED_INSTANCE, VIEWED_EVENTS = "api", "api_riwayat"

_MOMENT = {"type": ["string", "null"], "format": "date-time"}
SCHEMAS["Instance"] = {
    "type": "object", "required": ["id", "process_id", "status", "role", "tasks"],
    "description": "An instance as the caller's role may read it: `variables`, `error` and `status_reason` for "
                   "auditors and administrators only; the people concerned see no one's name on the open tasks.",
    "properties": {
        "id": {"type": "integer"}, "process_id": {"type": "string"}, "business_key": {"type": ["string", "null"]},
        "process_version": {"type": ["integer", "null"]},
        "status": {"type": "string", "enum": ["running", "waiting", "completed", "error", "suspended", "terminated"]},
        "version": {"type": "integer"}, "started_at": _MOMENT, "updated_at": _MOMENT, "ended_at": _MOMENT,
        "role": {"type": "string", "enum": ["pegawai", "pejabat_penilai", "atasan_pejabat_penilai",
                                             "pengelola_kinerja", "inspektorat", "admin"]},
        "tasks": {"type": "array", "items": {"type": "object", "required": ["id", "name", "state"]}},
        "error": {"type": ["object", "null"]}, "status_reason": {"type": ["string", "null"]},
        "variables": {"type": "object"}}}
SCHEMAS["Events"] = {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {
    "type": "object", "required": ["event_type", "occurred_at", "data"], "properties": {
        "event_type": {"type": "string"}, "actor": {"type": ["string", "null"]},
        "actor_name": {"type": ["string", "null"]}, "hidden": {"type": "boolean"},
        "occurred_at": {"type": "string", "format": "date-time"}, "data": {"type": "object"}}}}}}


def _viewer() -> Viewer:
    user = api_user()
    return Viewer(user.username, user.employee_id, tuple(user.roles), user.scope_unit_code)


def _role_or_404(viewer: Viewer, instance_id: int) -> str:
    """Return the caller's role on the instance: the appraisal's rules, else auditors and admins; else 404."""
    role = role_for(db.session, viewer, instance_id)
    if role is None and db.session.get(Instance, instance_id) is not None:
        role = next((r for r in AUDITING if r in viewer.roles), None)
    if role is None:
        abort(404, f"instance {instance_id} does not exist or is not yours to read")
    return role


def _task(row: Any, role: str) -> dict[str, Any]:
    value = inbox.task_dict(row)
    value.pop("form", None)
    if role in PERSONAL:  # who else works on the appraisal (a peer rater) is not theirs to know
        for key in ("assignee", "claimed_by", "candidate_users", "candidate_groups", "completed_by"):
            value.pop(key, None)
    return value


@operation("get", "/instances/<int:instance_id>", "One instance: state, version and open tasks.", tag=TAG,
           result="Instance", responses={"200": "The instance as the caller's role may read it.",
                                         "404": "No such instance, or not the caller's to read."})
@token_required
def show_instance(instance_id: int) -> Response:
    """Return an instance; the look is recorded as the appraisal page's is."""
    viewer = _viewer()
    role = _role_or_404(viewer, instance_id)
    instance = instances.get(db.session, instance_id)
    version = db.session.get(SpecVersion, instance.spec_version_id)
    open_tasks = inbox.open_tasks(db.session, instance_id=instance_id, limit=1000).items
    value: dict[str, Any] = {
        "id": instance.id, "process_id": instance.process_id, "business_key": instance.business_key,
        "process_version": version.version if version else None, "status": instance.status,
        "version": instance.version, "started_at": audit.json_safe(instance.started_at),
        "updated_at": audit.json_safe(instance.updated_at), "ended_at": audit.json_safe(instance.ended_at),
        "role": role, "tasks": [_task(row, role) for row in open_tasks],
    }
    if role in AUDITING:
        value["error"] = instance.error
        value["status_reason"] = instance.status_reason
        value["variables"] = audit.json_safe(instances.variables(instances.load(db.session, instance_id)))
    appraisal_views.record_view(db.session, viewer, instance_id, role, VIEWED_INSTANCE)
    db.session.commit()
    return jsonify(value)


def _other_events(instance_id: int, role: str) -> list[dict[str, Any]]:
    """Return the events of an instance that is no appraisal, for an auditor or admin."""
    rows = audit.events_of(db.session, instance_id)
    if role == INSPEKTORAT:
        rows = sorted([*rows, *audit.access_events_of(db.session, instance_id)], key=lambda e: (e.occurred_at, e.id))
    events = [audit.event_dict(e) for e in rows]
    return [{"event_type": e["event_type"], "actor": e["actor"], "actor_name": None, "hidden": False,
             "occurred_at": e["occurred_at"], "data": e["data"]}
            for e in events if role == INSPEKTORAT or not audit.is_confidential(e)]


@operation("get", "/instances/<int:instance_id>/events", "The instance's events, oldest first, as the "
           "caller's role may see them (the privacy rules of the appraisal page).", tag=TAG, result="Events",
           responses={"200": "The events.", "404": "No such instance, or not the caller's to read."})
@token_required
def instance_events(instance_id: int) -> Response:
    """Return the instance's timeline; the look is recorded."""
    viewer = _viewer()
    role = _role_or_404(viewer, instance_id)
    if skps_of(db.session, instance_id):
        shown = appraisal_views.timeline(db.session, instance_id, role)
        items = [{"event_type": e.event_type, "actor": None if e.hidden else e.actor, "actor_name": e.actor_name,
                  "hidden": e.hidden, "occurred_at": audit.json_safe(e.occurred_at), "data": e.data}
                 for e in shown]
    else:
        items = _other_events(instance_id, role)
    appraisal_views.record_view(db.session, viewer, instance_id, role, VIEWED_EVENTS)
    db.session.commit()
    return jsonify({"items": items})
