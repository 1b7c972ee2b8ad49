"""Incidents: the instances in error, for process owners to retry or terminate (both audited by the engine)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.errors import KinerjaError, NotFound
from engine.runtime.lifecycle import instances
from workflows.audit import incidents as incident_view

from ..auth.users import me
from ..extensions import db
from ..messages import error_text
from . import bp
from .access import owner_required


def _page(errors: dict[int, dict[str, list[str]]] | None = None,
          status: int = 200) -> ResponseReturnValue:
    found = incident_view.incidents(db.session)
    return render_template("definitions/incidents.html", incidents=found, errors=errors or {},
                           ), status


@bp.get("/insiden")
@owner_required
def incidents() -> ResponseReturnValue:
    """List the instances in error: message, process, version, employee, since when."""
    return _page()


def _act(instance_id: int, action: str) -> ResponseReturnValue:
    """Run an action on an instance in error, commit once, and say how it went."""
    try:
        if action == "retry":
            instance = instances.retry(db.session, instance_id, me().username,
                                       latest=request.form.get("terbaru") == "1")
        else:
            instance = instances.terminate(db.session, instance_id, me().username, request.form["alasan"].strip())
        db.session.commit()
    except NotFound:
        db.session.rollback()
        abort(404)
    except KinerjaError as exc:
        db.session.rollback()
        flash(error_text(exc), "danger")
        return redirect(url_for(".incidents"), 303)
    if action == "terminate":
        flash(_("Instance %(id)s has been terminated.", id=instance_id), "success")
    elif instance.status == "error":
        flash(_("Instance %(id)s was retried but failed again; see its message.", id=instance_id), "warning")
    else:
        flash(_("Instance %(id)s runs again.", id=instance_id), "success")
    return redirect(url_for(".incidents"), 303)


@bp.post("/insiden/<int:instance_id>/ulangi")
@owner_required
def retry(instance_id: int) -> ResponseReturnValue:
    """Re-run the failed step of an instance, on its version or first moved to the latest."""
    return _act(instance_id, "retry")


@bp.post("/insiden/<int:instance_id>/hentikan")
@owner_required
def terminate(instance_id: int) -> ResponseReturnValue:
    """Terminate an instance in error for good; the reason is required and audited."""
    if not request.form.get("alasan", "").strip():
        return _page({instance_id: {"alasan": [_("Give the reason for terminating the instance.")]}}, status=400)
    return _act(instance_id, "terminate")
