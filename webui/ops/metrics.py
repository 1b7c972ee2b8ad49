"""GET /metrics: Prometheus text of the waiting work (counted at scrape time) and the request latency.

Who may read it: an address of METRICS_ALLOWED_ADDRESSES (default the machine itself), or anyone with
the METRICS_TOKEN bearer token. Figures hold no personal data, but their timing tells an outsider when the
city works, and each scrape costs a few queries.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator
from typing import Any

from flask import Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from engine import monitoring
from engine.clock import clock

from ..extensions import db
from . import bp
from .latency import REQUEST_SECONDS


class BacklogCollector(Collector):
    """The work waiting in the database now, read when Prometheus scrapes (never kept in a process)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the gauges; kinerja_database_up 0 and nothing else when the database does not answer."""
        now = clock.now()
        try:
            backlog = monitoring.backlog(db.session, now)
        except SQLAlchemyError:
            db.session.rollback()
            yield GaugeMetricFamily("kinerja_database_up", "1 when the database answered this scrape.", value=0)
            return
        yield GaugeMetricFamily("kinerja_database_up", "1 when the database answered this scrape.", value=1)
        for name, text, value in (
                ("kinerja_open_tasks", "User tasks waiting for someone.", backlog.open_tasks),
                ("kinerja_overdue_tasks", "Open user tasks past their due date.", backlog.overdue_tasks),
                ("kinerja_timers_due", "Instances with a timer due that the worker has not fired yet.",
                 backlog.timers.due),
                ("kinerja_timer_lag_seconds", "How long the most overdue timer has waited.",
                 backlog.timers.lag_seconds(now)),
                ("kinerja_incidents", "Instances stopped in error (incidents).", backlog.incidents)):
            yield GaugeMetricFamily(name, text, value=value)


def allowed(remote: str | None, authorization: str, networks: str, token: str) -> bool:
    """Return whether a scraper at this address, with this Authorization header, may read the metrics."""
    if token and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(remote or "")
    except ValueError:
        return False
    return any(address in network for network in _networks(networks))


def _networks(text: str) -> Iterator[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    for item in text.split(","):
        try:
            yield ipaddress.ip_network(item.strip(), strict=False)
        except ValueError:  # a mistyped entry admits no one rather than failing every scrape
            current_app.logger.warning("METRICS_ALLOWED_ADDRESSES: %r is not an address or network", item)


@bp.get("/metrics")
def metrics() -> Response:
    """Answer the metrics in Prometheus text format to an allowed scraper; 404 to anyone else."""
    config: dict[str, Any] = current_app.config
    if not allowed(request.remote_addr, request.headers.get("Authorization", ""),
                   config["KINERJA_METRICS_ALLOWED_ADDRESSES"], config["KINERJA_METRICS_TOKEN"]):
        abort(404)  # as if there were nothing here
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # the latency of every gunicorn worker, from the shared folder
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(BacklogCollector())
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
