"""Oversight for auditors (Inspektorat): instance search, audit trails, chain checks, dossiers, who viewed what."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from . import views  # noqa: E402,F401  (registers the routes)
