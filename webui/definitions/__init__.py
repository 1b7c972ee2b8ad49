"""Process definitions for process owners: versions, diagrams, the modeler, diff, deploy, migration, incidents."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("definitions", __name__, url_prefix="/definisi")

from . import editing, incidents, migration, views  # noqa: E402,F401  (registers the routes)
