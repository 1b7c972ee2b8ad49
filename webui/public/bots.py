"""Against bots on the public form: a signed time the form was opened, and how long filling it took."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from engine.clock import clock

#: A form older than this was left open too long (or its time was copied): it is sent again fresh.
MAX_AGE = timedelta(hours=4)
_SALT = "public-feedback-started"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def start_token() -> str:
    """Return the signed current time (the engine clock, so tests can move it)."""
    return str(_serializer().dumps(clock.now().timestamp()))


def check_start(token: str | None) -> Literal["ok", "too_fast", "invalid"]:
    """Say whether a form opened at the signed time was filled in by a person: not too fast, not stale."""
    try:
        started = float(_serializer().loads(token or ""))
    except (BadSignature, TypeError, ValueError):
        return "invalid"
    elapsed = clock.now().timestamp() - started
    if elapsed < 0 or elapsed > MAX_AGE.total_seconds():
        return "invalid"
    if elapsed < current_app.config["KINERJA_PUBLIC_FEEDBACK_MIN_SECONDS"]:
        return "too_fast"
    return "ok"
