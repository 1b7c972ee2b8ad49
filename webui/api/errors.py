"""JSON errors of the API: every refusal is `{"code", "message", ...}` with a fitting HTTP status."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.db.races import as_refusal
from engine.errors import (
    Conflict,
    Forbidden,
    FormInvalid,
    InvalidInput,
    KinerjaError,
    NotFound,
    ValidationFailed,
)

from ..extensions import db
from . import bp
from .auth import CHALLENGE

#: Stable codes of the plain HTTP errors (a KinerjaError brings its own code).
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
              422: "invalid_input", 429: "too_many_requests", 500: "internal_error"}


def status_of(error: KinerjaError) -> int:
    """Return the HTTP status of an engine refusal."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, FormInvalid | ValidationFailed):
        return 400
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, Conflict):
        return 409
    return 409  # invalid_state, script_failed...: the request was fine, the state refuses it


def json_error(status: int, message: str, code: str | None = None, **details: Any) -> Response:
    """Return the JSON error response of a status."""
    response = jsonify({"code": code or HTTP_CODES.get(status, "error"), "message": message, **details})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = CHALLENGE
    return response


def http_error(error: HTTPException) -> Response:
    """Answer an HTTP error (abort, routing, 500) in JSON; the description is the message."""
    status = error.code or 500
    if isinstance(error, InternalServerError) or status >= 500:
        # Never internals: the log has the trace.
        db.session.rollback()
        return json_error(500, "internal error; nothing was changed")
    response = json_error(status, error.description or HTTP_CODES.get(status, "error"))
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    return response


@bp.errorhandler(KinerjaError)
def _refused(error: KinerjaError) -> Response:
    db.session.rollback()
    return json_error(status_of(error), error.message, **{
        k: v for k, v in error.to_dict().items() if k not in ("message",)})


def race_lost(error: Exception) -> Response:
    """Answer a request that lost a race for the same rows (deadlock, serialization, locked database): 409."""
    return _refused(as_refusal(error))


bp.register_error_handler(HTTPException, http_error)
bp.register_error_handler(InternalServerError, http_error)
