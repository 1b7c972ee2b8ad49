"""Oversight for auditors (Inspektorat): instance search, audit trails, chain checks, dossiers, who viewed what."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from . import views, search, trail, checks  # noqa: E402,F401,I001  (registers the routes; views first: the guard)
