"""The predikat preview of the rating page: the instance's own DMN evaluated on the ratings chosen so far.

rating.js calls it when an overall rating changes; the page also renders the same answer server-side
(the matrix, and the preview of a refused submission), so it works without JavaScript too.
"""

from __future__ import annotations

from flask import abort, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.models import HumanTask
from engine.runtime.human_tasks import tasks
from workflows.models.skp import CAPAIAN, EXPECTATIONS
from workflows.rating.decision_preview import preview_predikat

from ...auth.users import me
from ...extensions import db
from .. import bp
from .rating_labels import PREDIKAT

#: The tasks whose ratings the preview evaluates.
RATING_FORMS = ("penilaian_rinci", "penilaian_perilaku_rinci")


def _rating_task(task_id: int) -> HumanTask:
    """Return the open rating task when the signed-in user may act on it, else 404 (never say more)."""
    user = me()
    row = db.session.get(HumanTask, task_id)
    if row is None or row.state != "open" or (row.form or {}).get("key") not in RATING_FORMS:
        abort(404)
    holder = row.assignee or row.claimed_by
    allowed = user.username == holder or (
        holder is None and tasks.is_candidate(tasks.candidates_of(db.session, row.id), user.username, user.groups))
    if not allowed:
        abort(404)
    return row


@bp.get("/<int:task_id>/pratinjau-predikat")
@login_required
def preview(task_id: int) -> ResponseReturnValue:
    """Return {predikat, label} the process will propose for the given ratings ({null, null} when incomplete)."""
    row = _rating_task(task_id)
    hasil = request.args.get("hasil_kerja") if request.args.get("hasil_kerja") in EXPECTATIONS else None
    perilaku = request.args.get("perilaku") if request.args.get("perilaku") in EXPECTATIONS else None
    capaian = request.args.get("capaian_unit") if request.args.get("capaian_unit") in CAPAIAN else None
    predikat = preview_predikat(db.session, row.instance_id, hasil, perilaku, capaian)
    return jsonify({"predikat": predikat, "label": str(PREDIKAT[predikat]) if predikat in PREDIKAT else None})
