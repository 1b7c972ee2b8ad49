"""Routes of the api area that are about the caller: who the token belongs to."""

from __future__ import annotations

from flask import Response, jsonify

from . import bp
from .auth import api_user, token_required


@bp.get("/me")
@token_required
def me() -> Response:
    """Return the account the bearer token acts as."""
    user = api_user()
    return jsonify({"username": user.username, "name": user.name, "roles": user.roles, "groups": user.groups,
                    "employee_id": user.employee_id, "scope_unit_code": user.scope_unit_code})
