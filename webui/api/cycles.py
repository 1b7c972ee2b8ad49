"""Opening an appraisal cycle through the API (pengelola kinerja): `kinerja cycle open` for a year and unit."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify

from engine.errors import Forbidden
from workflows.cycle.cycles import CycleSettings, CycleSummary, open_cycle
from workflows.organisation import org
from workflows.organisation.org import OrgSettings

from ..auth.users import User
from ..extensions import db
from .auth import api_user, token_required
from .body import read_json
from .spec import SCHEMAS, operation

TAG = "cycles"
PENGELOLA = "pengelola_kinerja"

OPEN_BODY: dict[str, Any] = {
    "type": "object", "required": ["year"], "additionalProperties": False, "properties": {
        "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "unit": {"type": "string", "minLength": 1, "maxLength": 50,
                 "description": "Unit code: only its employees (a scoped pengelola: a unit of their OPD)."},
        "confirm_late": {"type": "boolean", "default": False,
                         "description": "Open although the cycle's deadlines have passed (audited)."}}}
_KIND = {"type": "object", "properties": {
    "started": {"type": "integer"}, "existing": {"type": "integer"}, "joined": {"type": "array"},
    "skipped": {"type": "array", "items": {"type": "object"}}, "problems": {"type": "array", "items": {
        "type": "object"}}}}
SCHEMAS["CycleSummary"] = {"type": "object", "required": ["year", "kinds"], "properties": {
    "year": {"type": "integer"}, "unit": {"type": ["string", "null"]},
    "kinds": {"type": "object", "additionalProperties": _KIND}}}


def _may_open(user: User, unit_code: str | None) -> None:
    """Refuse unless the caller may open this scope: admin or a city-wide pengelola anything, a scoped one its OPD."""
    if user.has_role("admin") or (user.has_role(PENGELOLA) and user.scope_unit_code is None):
        return
    if unit_code is None:
        raise Forbidden(f"your account is limited to {user.scope_unit_code}: give a unit of it")
    if org.opd_of(org.unit_by_code(db.session, unit_code)).code != user.scope_unit_code:
        raise Forbidden(f"unit {unit_code} is outside {user.scope_unit_code}, the OPD your account is limited to")


def summary_dict(summary: CycleSummary, unit: str | None) -> dict[str, Any]:
    """Return the JSON form of an opening's outcome (counts, and every skip and problem with its reason)."""
    return {"year": summary.year, "unit": unit, "kinds": {kind: {
        "started": len(result.started), "existing": len(result.existing), "joined": result.joined,
        "skipped": [{"key": key, "reason": reason} for key, reason in result.skipped],
        "problems": [{"key": key, "reason": reason} for key, reason in result.problems]}
        for kind, result in summary.kinds.items()}}


@operation("post", "/cycles", "Open a year's appraisal cycle for the city or a unit (idempotent).", tag=TAG,
           result="CycleSummary", body=OPEN_BODY,
           responses={"200": "What opening started, found started, skipped.", "400": "Field errors.",
                      "403": "Not a pengelola kinerja of this scope, nor an administrator.",
                      "404": "No such unit.", "409": "The cycle's deadlines have passed (`late_cycle_opening`, "
                      "with `deadlines`): confirm with confirm_late."})
@token_required
def open_year() -> Response:
    """Open the cycle as `kinerja cycle open` does, committing batch by batch."""
    user = api_user()
    if not user.has_role("admin", PENGELOLA):
        raise Forbidden("only a pengelola kinerja or an administrator opens a cycle")
    body = read_json(OPEN_BODY)
    unit = body.get("unit")
    _may_open(user, unit)
    settings = CycleSettings(org_settings=OrgSettings(jpt_appraiser=current_app.config["KINERJA_JPT_APPRAISER"]))
    summary = open_cycle(db.session, body["year"], unit, actor=user.username, settings=settings,
                         commit=db.session.commit, confirm_late=bool(body.get("confirm_late")))
    return jsonify(summary_dict(summary, unit))
