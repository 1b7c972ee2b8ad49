"""Task pages: a generated or custom form, the task's instructions and what the task is about."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/tugas")

from . import custom, views  # noqa: E402,F401  (registers the routes and the custom form pages)
