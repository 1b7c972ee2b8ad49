"""The HR dashboard (Pengelola Kinerja): cycle progress per OPD, where the year gets stuck, exports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dasbor")

from . import documents, exports, views  # noqa: E402,F401  (registers the routes)
