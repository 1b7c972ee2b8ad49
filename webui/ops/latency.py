"""Request latency per endpoint, as a Prometheus histogram shared by gunicorn's workers.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn.conf.py sets it before any worker starts), prometheus-client
keeps each worker's samples in files there and /metrics adds them up; without it, in this process.
"""

from __future__ import annotations

from time import perf_counter

from flask import g, request
from prometheus_client import Histogram

from . import bp

#: Not in the default registry: /metrics builds its registry per scrape (one process or the files of all).
REQUEST_SECONDS = Histogram("kinerja_request_duration_seconds", "Time to answer a request, by endpoint and method.",
                            ["endpoint", "method"], registry=None,
                            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@bp.before_app_request
def _start_clock() -> None:
    g.request_started = perf_counter()


@bp.teardown_app_request
def _observe(error: BaseException | None) -> None:
    """Record the request's time under its endpoint (one label per route, never per address or id)."""
    started = g.pop("request_started", None)
    if started is not None:
        endpoint = request.url_rule.endpoint if request.url_rule is not None else "unmatched"
        method = request.method if request.method in METHODS else "other"  # a client can send any word
        REQUEST_SECONDS.labels(endpoint, method).observe(perf_counter() - started)
