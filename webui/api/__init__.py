"""The JSON API: bearer tokens, tasks, instances, definitions, cycles, external tasks (Camunda 7 shapes)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import views  # noqa: E402,F401  (registers the routes)
