"""Reading a JSON request body: an object, checked against the operation's JSON Schema (field errors → 400)."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from jsonschema import Draft202012Validator

from engine import data_limits
from engine.errors import FormInvalid
from engine.forms.codes import from_json_schema


def json_object() -> dict[str, Any]:
    """Return the request's JSON object; 400 when the body is not JSON, not an object, or beyond the data limits."""
    # Parsed here rather than by Flask: nesting, NaN and long keys get a clear 400 (data_limits.parse_json).
    value = data_limits.parse_json(request.get_data(), "body") if request.is_json else None
    if not isinstance(value, dict):
        abort(400, "the request body must be a JSON object (Content-Type: application/json)")
    return value


def _path(error: Any) -> str:
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        # The missing property is the field in error, not the object holding it.
        missing = next((name for name in error.validator_value if name not in (error.instance or {})), None)
        parts.append(str(missing))
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        parts.append(extra[0] if extra else "")
    return "/".join(parts)


def checked(value: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Return value if it fits schema; raise FormInvalid with every error by field path otherwise."""
    found: dict[str, list[dict[str, Any]]] = {}
    errors = Draft202012Validator(schema).iter_errors(value)
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        found.setdefault(_path(error), []).append(
            {"code": from_json_schema(str(error.validator), error.instance), "message": error.message})
    if found:
        raise FormInvalid(found)
    return value


def read_json(schema: dict[str, Any]) -> dict[str, Any]:
    """Return the request's JSON object, checked against schema."""
    return checked(json_object(), schema)
