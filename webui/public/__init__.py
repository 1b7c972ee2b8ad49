"""Public pages without sign-in: published aggregates per year and unit, the public feedback form."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/publik")

from . import feedback, views  # noqa: E402,F401  (registers the routes)
