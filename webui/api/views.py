"""Routes of the api area about the API itself: who the token belongs to, and the OpenAPI document."""

from __future__ import annotations

from flask import Response, jsonify

from . import cycles, definitions, instances, personal, tasks  # noqa: F401  (their routes join the document)
from .auth import api_user, token_required
from .spec import SCHEMAS, build, operation

SCHEMAS["Me"] = {"type": "object", "required": ["username", "roles", "groups"], "properties": {
    "username": {"type": "string"}, "name": {"type": "string"}, "roles": {"type": "array", "items": {
        "type": "string"}}, "groups": {"type": "array", "items": {"type": "string"}},
    "employee_id": {"type": ["integer", "null"]}, "scope_unit_code": {"type": ["string", "null"]}}}


@operation("get", "/me", "The account the bearer token acts as.", tag="tokens", result="Me",
           responses={"200": "The account."})
@token_required
def me() -> Response:
    """Return the account the bearer token acts as."""
    user = api_user()
    return jsonify({"username": user.username, "name": user.name, "roles": user.roles, "groups": user.groups,
                    "employee_id": user.employee_id, "scope_unit_code": user.scope_unit_code})


@operation("get", "/openapi.json", "This document (OpenAPI 3.1).", tag="meta", public=True,
           responses={"200": "The OpenAPI document."})
def openapi() -> Response:
    """Return the OpenAPI document of the API (no token needed)."""
    return jsonify(build("Kinerja API", "1"))
