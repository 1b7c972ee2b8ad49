"""The appraisal pages: the list of the appraisals a user may open, one appraisal, and its diagram's state."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.errors import NotFound
from engine.runtime.lifecycle.diagram_state import diagram_state
from workflows.appraisals import appraisal_list, appraisal_views
from workflows.appraisals.appraisal_access import OVERSIGHT, Viewer, role_for

from ..auth.users import me
from ..extensions import db
from . import bp, labels
from .labels import ROLE_LABELS


@bp.context_processor
def _labels() -> dict[str, Any]:
    """Give the appraisal templates the words for the codes they show."""
    return {"label": labels.label, "event_summary": labels.event_summary, "pretty": labels.pretty,
            "event_labels": labels.EVENT_LABELS,
            "status_labels": labels.STATUS_LABELS, "predikat_labels": labels.PREDIKAT_LABELS,
            "expectation_labels": labels.EXPECTATION_LABELS, "source_labels": labels.SOURCE_LABELS,
            "document_labels": labels.DOCUMENT_LABELS, "decision_labels": labels.DECISION_LABELS,
            "role_labels": ROLE_LABELS, "berakhlak_labels": labels.BERAKHLAK_LABELS}


def _viewer() -> Viewer:
    user = me()
    return Viewer(user.username, user.employee_id, tuple(user.roles), user.scope_unit_code)


def _role_or_404(viewer: Viewer, instance_id: int) -> str:
    """Return the viewer's role on the appraisal; anyone without one gets 404, whatever the id."""
    role = role_for(db.session, viewer, instance_id)
    if role is None:
        abort(404)
    return role


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """List my own appraisals, those of the people I appraise, and for overseers a search."""
    viewer = _viewer()
    year = request.args.get("tahun", type=int)
    own = appraisal_list.own(db.session, viewer.employee_id) if viewer.employee_id is not None else []
    appraised = (appraisal_list.appraised_by(db.session, viewer.employee_id, year)
                 if viewer.employee_id is not None else [])
    found, units, page, size = None, [], 1, int(current_app.config["KINERJA_APPRAISALS_PAGE_SIZE"])
    oversees = any(role in viewer.roles for role in OVERSIGHT)
    if oversees:
        page = max(request.args.get("halaman", 1, type=int), 1)
        found = appraisal_list.search(db.session, viewer, year=year, text=request.args.get("cari", "").strip(),
                                      unit_code=request.args.get("unit") or None, limit=size,
                                      offset=(page - 1) * size)
        units = [] if viewer.scope_unit_code else appraisal_list.opds(db.session)
    return render_template("appraisals/index.html", own=own, appraised=appraised, found=found, units=units,
                           oversees=oversees, year=year, page=page, size=size,
                           query=request.args.get("cari", ""), unit=request.args.get("unit", ""))


@bp.get("/<int:instance_id>")
@login_required
def show(instance_id: int) -> ResponseReturnValue:
    """Show one appraisal: the diagram, the records and the timeline, as the viewer's role allows."""
    viewer = _viewer()
    role = _role_or_404(viewer, instance_id)
    records = appraisal_views.records(db.session, instance_id)
    events = appraisal_views.timeline(db.session, instance_id, role)
    appraisal_views.record_view(db.session, viewer, instance_id, role, "halaman")
    db.session.commit()
    return render_template("appraisals/show.html", instance_id=instance_id, role=role, r=records,
                           events=events)


@bp.get("/<int:instance_id>/diagram")
@login_required
def diagram(instance_id: int) -> ResponseReturnValue:
    """Return one process diagram of the appraisal (the main one, or `proses`) with its elements' states."""
    viewer = _viewer()
    role = _role_or_404(viewer, instance_id)
    try:
        shown = diagram_state(db.session, instance_id).as_dict(request.args.get("proses") or None)
    except NotFound:
        abort(404)
    appraisal_views.record_view(db.session, viewer, instance_id, role, "diagram", shown["process_id"])
    db.session.commit()
    response = jsonify(shown)
    response.headers["Cache-Control"] = "no-store"
    return response
