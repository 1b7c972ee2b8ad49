"""Operations: /health for load balancers and /metrics for Prometheus, no sign-in (docs/operations.md)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ops", __name__)

from . import health, latency, metrics  # noqa: E402,F401  (registers the routes and the request timing)
