"""The signed-in person's own data (UU 27/2022): download a copy of it, and see who viewed their appraisals."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/data-pribadi")

from . import views  # noqa: E402,F401  (registers the routes)
