"""Service time per kind of request: one pair of users against the WSGI app in this process, no gunicorn.

Under load the latencies are mostly time in gunicorn's queue. Here the same user code (bench.http_users)
talks to `webui.create_app()` through httpx's WSGI transport, without sockets, so each request's time is
what one worker spends on it (the two users of the pair rarely overlap: they take turns).
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from . import http_report, http_users
from .http_setup import Account


def measure(url: str, pair: list[Account], seconds: float, overrides: dict[str, Any]) -> dict[str, http_report.Kind]:
    """Run the pair against an in-process app for `seconds`; return the summary per kind of request."""
    from webui import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32), **overrides})
    samples, _ = http_users.run_users("http://127.0.0.1", pair, seconds, httpx.WSGITransport(app=app))
    return http_report.summarise(samples)


def per_completion(kinds: dict[str, http_report.Kind]) -> float:
    """Return the seconds one round of a user's work takes: inbox page, API list, task page, form post."""
    rounds = ("inbox page (GET /)", "inbox API (GET /api/v1/tasks)", "task page (GET /tugas/<id>)",
              http_report.COMPLETE)
    return sum(http_report.percentile(kinds[k].ok, 50) for k in rounds)
