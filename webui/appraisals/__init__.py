"""The appraisal page: the process diagram with its state, the timeline and the records, per role."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("appraisals", __name__, url_prefix="/penilaian")

from . import views  # noqa: E402,F401  (registers the routes)
