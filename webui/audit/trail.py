"""One instance for the auditor: its whole trail with the chain state, and its dossier as JSON, CSV and PDF."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from weasyprint import HTML

from engine import audit
from engine.clock import clock
from workflows.audit.audit_trail import DOSSIER, TRAIL, case_of, record_look
from workflows.audit.dossier import dossier_of

from ..auth.users import me
from ..extensions import db
from . import bp
from .views import auditor_role

#: How the dossier's machine-readable forms are served.
MEDIA = {"json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8"}


@bp.get("/instans/<int:instance_id>")
def show(instance_id: int) -> ResponseReturnValue:
    """Show an instance's whole audit trail, the looks at it, and whether its chains verify; record the look."""
    case = case_of(db.session, instance_id)
    if case is None:
        abort(404)
    record_look(db.session, me().username, auditor_role(), instance_id, TRAIL)
    db.session.commit()
    return render_template("audit/trail.html", case=case)


@bp.get("/instans/<int:instance_id>/berkas.<fmt>")
def dossier(instance_id: int, fmt: str) -> ResponseReturnValue:
    """Download the case dossier: the trail as JSON or CSV (the engine's export), or the printable PDF."""
    if fmt not in (*MEDIA, "pdf"):
        abort(404)
    found = dossier_of(db.session, instance_id) if fmt == "pdf" else case_of(db.session, instance_id)
    if found is None:
        abort(404)
    record_look(db.session, me().username, auditor_role(), instance_id, DOSSIER)
    if fmt == "pdf":
        html = render_template("audit/dossier.html", d=found, printed_at=clock.now(), printed_by=me().username)
        body = HTML(string=html, base_url=request.url_root).write_pdf()
        media = "application/pdf"
    else:
        body = audit.export(db.session, instance_id, fmt).encode("utf-8")
        media = MEDIA[fmt]
    db.session.commit()
    response = Response(body, mimetype=media.split(";")[0], content_type=media)
    response.headers["Content-Disposition"] = f'attachment; filename="berkas-{instance_id}.{fmt}"'
    return response
