"""GET /health: is the database reachable, is its schema at the code's head, does the timer worker keep up."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from engine import monitoring
from engine.clock import clock

from ..extensions import db
from . import bp


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Answer 200 when this app can serve (a late timer worker only marks it degraded), else 503.

    No sign-in and no personal data: schema revisions and the timers' delay, in three indexed statements
    (a load balancer asks every few seconds; the counts of work are /metrics').
    """
    now = clock.now()
    try:
        revisions = monitoring.revisions(db.session.connection())
        waiting = monitoring.timers(db.session, now)
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.error("health check: the database does not answer: %s", exc)
        return jsonify(status="fail", database="unreachable"), 503
    lag = waiting.lag_seconds(now)
    late = lag > current_app.config["KINERJA_HEALTH_TIMER_LAG_SECONDS"]
    body: dict[str, Any] = {
        "status": "fail" if not revisions.at_head else "degraded" if late else "ok",
        "database": "ok",
        "migrations": {"status": "ok" if revisions.at_head else "not at head",
                       "current": list(revisions.current), "head": list(revisions.head)},
        "timer_worker": {"status": "late" if late else "ok", "timers_due": waiting.due,
                         "oldest_due_at": waiting.oldest_due_at.isoformat() if waiting.oldest_due_at else None,
                         "lag_seconds": round(lag, 1)},
    }
    return jsonify(body), 200 if revisions.at_head else 503
