"""Sign-in, sign-out and passwords (Flask-Login); the signed-in account is the actor of everything done."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import views  # noqa: E402,F401  (registers the routes)
