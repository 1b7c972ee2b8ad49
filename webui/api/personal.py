"""The caller's own data through the API: a copy of it, and who viewed their appraisals (both audited).

Neither route takes a person, an account or an instance: the token's own account is the only one read.
"""

from __future__ import annotations

from flask import Response, abort, jsonify, request

from workflows.data_protection import record_views
from workflows.data_protection.personal_data import plain
from workflows.models.org import UserAccount

from ..extensions import db
from ..privacy.views import download, own_employee
from .auth import api_user, token_required
from .spec import SCHEMAS, operation

TAG = "personal data"
#: Most looks one call returns.
MAX_LIMIT = 200

SCHEMAS["PersonalData"] = {
    "type": "object", "required": ["skema", "versi", "generated_at", "dasar_hukum", "akun", "ringkasan"],
    "description": "Everything the system holds about the token's own account and employee (docs/privacy.md): "
                   "layout `kinerja.data-pribadi` version 1.",
    "properties": {"skema": {"type": "string"}, "versi": {"type": "integer"},
                   "generated_at": {"type": "string", "format": "date-time"}, "dasar_hukum": {"type": "string"},
                   "akun": {"type": "object"}, "pegawai": {"type": ["object", "null"]},
                   "penilaian": {"type": "array", "items": {"type": "object"}},
                   "dilihat_oleh": {"type": "array", "items": {"type": "object"}},
                   "ringkasan": {"type": "object", "additionalProperties": {"type": "integer"}}},
    "additionalProperties": True}
SCHEMAS["Views"] = {
    "type": "object", "required": ["items", "total"], "properties": {
        "total": {"type": "integer"}, "items": {"type": "array", "items": {
            "type": "object", "required": ["pada", "instance_id", "peran", "dilihat"], "properties": {
                "pada": {"type": "string", "format": "date-time"}, "instance_id": {"type": "integer"},
                "tahun": {"type": ["integer", "null"]}, "nama": {"type": ["string", "null"]},
                "jabatan": {"type": ["string", "null"]}, "unit": {"type": ["string", "null"]},
                "peran": {"type": ["string", "null"]}, "dilihat": {"type": ["string", "null"]},
                "proses": {"type": ["string", "null"]}}}}}}


def _account() -> UserAccount:
    account = db.session.get(UserAccount, api_user().account_id)
    assert account is not None  # the token was just found active for it
    return account


@operation("get", "/me/personal-data", "A copy of everything the system holds about me (audited).", tag=TAG,
           result="PersonalData", responses={"200": "The copy, as a JSON attachment."})
@token_required
def personal_data() -> Response:
    """Return the token's own copy (UU 27/2022), recording the download."""
    return download(_account(), "api")


@operation("get", "/me/views", "Who viewed my appraisals, newest first (audited).", tag=TAG, result="Views",
           query={"limit": ({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "How many (default 50)."),
                  "offset": ({"type": "integer", "minimum": 0}, "How many to skip.")},
           responses={"200": "A page of the recorded looks.", "400": "A bad limit or offset."})
@token_required
def views() -> Response:
    """Return a page of the looks at the token's own appraisals, recording that they were read."""
    limit = request.args.get("limit", 50, type=int)
    offset = request.args.get("offset", 0, type=int)
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        abort(400, f"limit must be 1 to {MAX_LIMIT} and offset 0 or more")
    account = _account()
    employee = own_employee(account)
    found = record_views.views_of(db.session, employee, limit=limit, offset=offset)
    record_views.record_listing(db.session, account.username, employee.nip if employee else None,
                                offset // limit + 1, "api")
    db.session.commit()
    return jsonify({"total": found.total, "items": plain([view.as_dict() for view in found.views])})
