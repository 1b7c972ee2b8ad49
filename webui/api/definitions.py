"""Process definitions through the API: every version with its running instances, and deploying (owners)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, jsonify, request
from sqlalchemy import func, select

from engine import audit
from engine.definitions import specs
from engine.models import Instance, SpecVersion

from ..extensions import db
from .auth import api_user, token_required
from .body import checked, json_object
from .spec import SCHEMAS, operation

TAG = "definitions"
#: Who may read and deploy definitions: the process owners at BKPSDM and the administrator.
OWNERS = ("pemilik_proses", "admin")
#: Instance states that have not ended.
RUNNING = ("running", "waiting", "error", "suspended")
FILE_SUFFIXES = (".bpmn", ".dmn")

DEPLOY_BODY: dict[str, Any] = {
    "type": "object", "required": ["files"], "additionalProperties": False, "properties": {
        "files": {"type": "object", "minProperties": 1, "description": "File name (.bpmn or .dmn) → its XML.",
                  "propertyNames": {"pattern": r"^[^/\\]+\.(bpmn|dmn)$"},
                  "additionalProperties": {"type": "string", "minLength": 1}},
        "strict": {"type": "boolean", "default": False,
                   "description": "The appraisal profile: refuse user tasks no lane or assignee names."}}}
SCHEMAS["Definitions"] = {"type": "object", "required": ["items"], "properties": {"items": {
    "type": "array", "items": {"type": "object", "required": ["process_id", "versions"], "properties": {
        "process_id": {"type": "string"}, "name": {"type": ["string", "null"]},
        "latest_version": {"type": "integer"}, "versions": {"type": "array", "items": {
            "$ref": "#/components/schemas/DefinitionVersion"}}}}}}}
SCHEMAS["DefinitionVersion"] = {"type": "object", "required": ["id", "version", "sha256"], "properties": {
    "id": {"type": "integer"}, "version": {"type": "integer"}, "sha256": {"type": "string"},
    "deployed_at": {"type": "string", "format": "date-time"}, "deployed_by": {"type": "string"},
    "main_file": {"type": "string"}, "running_instances": {"type": "integer"},
    "created": {"type": "boolean", "description": "Deploy only: a new version (false: unchanged)."}}}
SCHEMAS["Deployed"] = {"type": "object", "required": ["items"], "properties": {"items": {
    "type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/DefinitionVersion"},
                                         {"type": "object", "properties": {"process_id": {"type": "string"}}}]}}}}


def _owner_only() -> None:
    if not api_user().has_role(*OWNERS):
        abort(403, "only process owners (pemilik_proses) and administrators manage definitions")


def _version(row: SpecVersion, running: int | None = None) -> dict[str, Any]:
    value = {"id": row.id, "version": row.version, "sha256": row.sha256, "main_file": row.main_file,
             "deployed_at": audit.json_safe(row.deployed_at), "deployed_by": row.deployed_by}
    if running is not None:
        value["running_instances"] = running
    return value


@operation("get", "/definitions", "Every deployed process with its versions and running instances per version.",
           tag=TAG, result="Definitions", responses={"200": "The processes, by id.",
                                                    "403": "Not a process owner or administrator."})
@token_required
def list_definitions() -> Response:
    """List processes and versions (newest first) with their running instances."""
    _owner_only()
    running = dict(db.session.execute(select(Instance.spec_version_id, func.count()).where(
        Instance.status.in_(RUNNING)).group_by(Instance.spec_version_id)).all())
    processes: dict[str, dict[str, Any]] = {}
    for row in db.session.execute(select(SpecVersion).order_by(SpecVersion.process_id,
                                                               SpecVersion.version.desc())).scalars():
        entry = processes.setdefault(row.process_id, {"process_id": row.process_id, "name": row.name,
                                                      "latest_version": row.version, "versions": []})
        entry["versions"].append(_version(row, int(running.get(row.id, 0))))
    return jsonify({"items": list(processes.values())})


def _uploaded() -> tuple[dict[str, bytes], bool]:
    """Return the files of a deploy (multipart `files` or JSON {files}) and the strict flag."""
    if request.files:
        files = {}
        for upload in request.files.getlist("files"):
            name = (upload.filename or "").rsplit("/", 1)[-1]
            if not name.endswith(FILE_SUFFIXES):
                abort(400, f"{name or 'a file'} is not a .bpmn or .dmn file")
            files[name] = upload.read()
        if not files:
            abort(400, "send the files in the multipart field `files`")
        return files, request.form.get("strict", "").lower() in ("1", "true", "yes")
    body = checked(json_object(), DEPLOY_BODY)
    return {name: text.encode("utf-8") for name, text in body["files"].items()}, bool(body.get("strict"))


@operation("post", "/definitions", "Validate and deploy BPMN/DMN files: a new version of each changed process.",
           tag=TAG, result="Deployed", body=DEPLOY_BODY,
           other_bodies={"multipart/form-data": {"type": "object", "required": ["files"], "properties": {
               "files": {"type": "array", "items": {"type": "string", "contentMediaType": "application/xml"}},
               "strict": {"type": "string", "enum": ["true", "false"]}}}},
           responses={"201": "Deployed (or unchanged: `created` false).",
                      "400": "Not .bpmn/.dmn files, or validation problems (`problems`, each with file, "
                             "line and element).", "403": "Not a process owner or administrator."})
@token_required
def deploy_definitions() -> tuple[Response, int]:
    """Deploy as `kinerja bpmn deploy` does; audited as `spec_deployed`."""
    _owner_only()
    files, strict = _uploaded()
    results = specs.deploy(db.session, files, api_user().username,
                           max_bytes=current_app.config["KINERJA_MAX_BPMN_BYTES"], strict=strict)
    db.session.commit()
    items = [{"process_id": r.spec_version.process_id, **_version(r.spec_version), "created": r.created}
             for r in results]
    return jsonify({"items": items}), 201
