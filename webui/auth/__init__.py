"""Sign-in, sign-out and passwords (Flask-Login); the signed-in account is the actor of everything done."""

from __future__ import annotations

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("auth", __name__)


@bp.record_once
def _configure(state: BlueprintSetupState) -> None:
    from ..extensions import login_manager
    # A session cookie replayed from another address or browser is refused (Flask-Login's "strong" mode).
    login_manager.session_protection = "strong"


from . import guard, views  # noqa: E402,F401  (registers the routes and the forced password change)
