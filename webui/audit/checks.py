"""The whole-database check of the audit chains: started from the page, run in the background, chain by chain.

The check runs in a thread of the web process, a batch of chains per transaction, so its progress is in
`audit_check` for the page to poll and a breach is never lost to a crash mid-way (the check then stays
"running" with the chains done so far). `kinerja audit verify` does the same check in one go on the console.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from flask import Flask, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from engine import audit
from engine.clock import clock
from engine.models import AuditCheck

from ..auth.users import me
from ..extensions import db
from . import bp

#: Chains verified per transaction: progress moves often enough, and a batch never holds the database long.
BATCH = 50
#: A running check started elsewhere and older than this is taken as stopped (its process ended).
STALE_AFTER = timedelta(hours=1)
#: The threads of the checks started by this process (tests wait for them).
RUNNING: dict[tuple[str, int], threading.Thread] = {}


def thread_of(app: Flask, check_id: int) -> threading.Thread | None:
    """Return the thread running a check of the app's database in this process, if any."""
    return RUNNING.get((str(app.config["SQLALCHEMY_DATABASE_URI"]), check_id))


def _run(app: Flask, check_id: int, chains: list[str]) -> None:
    """Verify the chains batch by batch, committing the progress of each; close the check at the end."""
    with app.app_context():
        check = db.session.get(AuditCheck, check_id)
        assert check is not None
        try:
            for start in range(0, len(chains), BATCH):
                audit.check_chains(db.session, check, chains[start:start + BATCH])
                db.session.commit()
            audit.finish_check(db.session, check)
        except Exception as error:
            db.session.rollback()
            check = db.session.get(AuditCheck, check_id)
            assert check is not None
            audit.finish_check(db.session, check, f"{type(error).__name__}: {error}")
        db.session.commit()
        db.session.remove()


def _alive(check: AuditCheck) -> bool:
    """Return whether a running check is still going: its thread here, or (another process's) started lately."""
    thread = thread_of(current_app, check.id)
    if thread is not None:
        return thread.is_alive()
    # A check whose process died stays "running": after a while another one may start.
    return clock.now() - check.started_at < STALE_AFTER


def _status(check: AuditCheck) -> dict[str, Any]:
    percent = 100 if not check.chains_total else int(100 * check.chains_done / check.chains_total)
    return {"id": check.id, "status": check.status, "chains_total": check.chains_total,
            "chains_done": check.chains_done, "percent": percent, "breaches": check.breaches,
            "error": check.error}


@bp.get("/verifikasi")
def checks() -> ResponseReturnValue:
    """Show the latest checks, the one asked for (or the newest) with its progress and breaches."""
    recent = list(db.session.execute(select(AuditCheck).order_by(AuditCheck.id.desc()).limit(10)).scalars())
    chosen = request.args.get("cek", type=int)
    shown = next((c for c in recent if c.id == chosen), None) if chosen else (recent[0] if recent else None)
    if chosen and shown is None:
        shown = db.session.get(AuditCheck, chosen)
    return render_template("audit/checks.html", recent=recent, shown=shown)


@bp.post("/verifikasi")
def start_check() -> ResponseReturnValue:
    """Start a check of every chain, unless one is already running."""
    running = db.session.execute(select(AuditCheck).where(AuditCheck.status == "running")
                                 .order_by(AuditCheck.id.desc()).limit(1)).scalar_one_or_none()
    if running is not None and _alive(running):
        flash(_("A check is already running: its progress is shown below."), "warning")
        return redirect(url_for("audit.checks", cek=running.id), 303)
    check, chains = audit.start_check(db.session, me().username)
    db.session.commit()
    thread = threading.Thread(target=_run, args=(current_app._get_current_object(), check.id, chains),  # type: ignore[attr-defined]
                              name=f"audit-check-{check.id}", daemon=True)
    RUNNING[(str(current_app.config["SQLALCHEMY_DATABASE_URI"]), check.id)] = thread
    thread.start()
    flash(_("The check has started."), "success")
    return redirect(url_for("audit.checks", cek=check.id), 303)


@bp.get("/verifikasi/<int:check_id>.json")
def check_status(check_id: int) -> ResponseReturnValue:
    """Return a check's progress and breaches for the page's polling."""
    check = db.session.get(AuditCheck, check_id)
    if check is None:
        abort(404)
    response = jsonify(_status(check))
    response.headers["Cache-Control"] = "no-store"
    return response
