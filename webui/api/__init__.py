"""The JSON API: bearer tokens, tasks, instances, definitions, cycles, external tasks (Camunda 7 shapes)."""

from __future__ import annotations

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens are not ambient credentials: a forged cross-site request cannot carry one.
csrf.exempt(bp)

from . import errors, external_reads, external_tasks, views  # noqa: E402,F401  (registers the handlers and routes)
