"""The inbox: my tasks, my groups' tasks, tasks of people I act for, and notifications."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("inbox", __name__)

from . import notices, views  # noqa: E402,F401  (registers the routes and the navbar badge)
