"""The printable SKP and Dokumen Evaluasi of an employee's year as PDF (WeasyPrint from Jinja templates, A4)."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_login import login_required
from weasyprint import HTML

from workflows.appraisals import appraisal_views
from workflows.appraisals.appraisal_access import Viewer, role_for
from workflows.publishing import documents_pdf

from ..auth.users import me
from ..extensions import db
from . import bp
from .labels import CAPAIAN_LABELS, PREDIKAT_LABELS


def _pdf(nip: str, tahun: int, document: str, template: str) -> ResponseReturnValue:
    """Render one document of the employee's year for whoever may see the appraisal; 404 for anyone else."""
    user = me()
    viewer = Viewer(user.username, user.employee_id, tuple(user.roles), user.scope_unit_code)
    instance_id = documents_pdf.cycle_instance(db.session, nip, tahun)
    role = role_for(db.session, viewer, instance_id) if instance_id is not None else None
    if instance_id is None or role is None:
        abort(404)
    data = documents_pdf.document_data(db.session, instance_id, document)
    if data is None:
        abort(404)
    with force_locale("id"):  # the official documents are in Indonesian, whatever the reader's language
        html = render_template(template, r=data, year=tahun, predikat_labels=PREDIKAT_LABELS,
                               capaian_labels=CAPAIAN_LABELS)
    pdf = HTML(string=html).write_pdf()  # the templates reference nothing outside: no fetches
    appraisal_views.record_view(db.session, viewer, instance_id, role, f"{document}.pdf")
    db.session.commit()
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{document}-{nip}-{tahun}.pdf"',
                             "Cache-Control": "no-store"})


@bp.get("/pegawai/<nip>/<int:tahun>/skp.pdf")
@login_required
def skp_pdf(nip: str, tahun: int) -> ResponseReturnValue:
    """Return the employee's SKP of the year as PDF."""
    return _pdf(nip, tahun, "skp", "dashboard/pdf_skp.html")


@bp.get("/pegawai/<nip>/<int:tahun>/evaluasi.pdf")
@login_required
def evaluation_pdf(nip: str, tahun: int) -> ResponseReturnValue:
    """Return the employee's Dokumen Evaluasi Kinerja of the year as PDF."""
    return _pdf(nip, tahun, "dokumen_evaluasi", "dashboard/pdf_evaluasi.html")
