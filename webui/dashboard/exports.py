"""The dashboard's tables as XLSX downloads, and the TPP export of the periodic predikat."""

from __future__ import annotations

from flask import abort, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import InvalidInput
from workflows.oversight import dashboard, overdue, period_export, stage_times

from ..extensions import db
from ..xlsx import table_xlsx, xlsx_response
from . import bp
from .access import check_opd, overseer, scope_of
from .labels import PREDIKAT_LABELS, STAGE_LABELS
from .views import year_arg


@bp.get("/ekspor/kemajuan-<int:tahun>.xlsx")
@login_required
def progress_xlsx(tahun: int) -> ResponseReturnValue:
    """Download the progress per OPD (employees per stage, overdue)."""
    user = overseer()
    opds = dashboard.by_opd(dashboard.progress(db.session, tahun, scope_of(user)))
    headers = [_("OPD code"), _("OPD"), *(str(STAGE_LABELS[s]) for s in dashboard.STAGES), _("Total"), _("Overdue")]
    rows = [[o.code, o.name, *(o.counts[s] for s in dashboard.STAGES), o.total, o.overdue] for o in opds]
    title = _("Appraisal cycle progress %(year)s", year=tahun)
    return xlsx_response(f"kemajuan-{tahun}.xlsx", table_xlsx(title, headers, rows))


@bp.get("/ekspor/opd-<code>-<int:tahun>.xlsx")
@login_required
def opd_xlsx(code: str, tahun: int) -> ResponseReturnValue:
    """Download one OPD's employees with their stage and predikat."""
    user = overseer()
    check_opd(user, code)
    tree = dashboard.UnitTree.load(db.session)
    if tree.opd_by_code(code) is None:
        abort(404)
    rows = dashboard.progress(db.session, tahun, code, tree)
    headers = [_("NIP"), _("Name"), _("Unit"), _("Stage"), _("Overdue"), _("Predikat")]
    data = [[r.nip, r.nama, r.unit_name, str(STAGE_LABELS[r.stage]), _("yes") if r.overdue else _("no"),
             str(PREDIKAT_LABELS[r.predikat]) if r.predikat else ""] for r in rows]
    title = _("Employees of %(opd)s, %(year)s", opd=code, year=tahun)
    return xlsx_response(f"opd-{code}-{tahun}.xlsx", table_xlsx(title, headers, data))


@bp.get("/ekspor/terlambat-<code>-<int:tahun>.xlsx")
@login_required
def overdue_xlsx(code: str, tahun: int) -> ResponseReturnValue:
    """Download one OPD's overdue items."""
    user = overseer()
    check_opd(user, code)
    if dashboard.UnitTree.load(db.session).opd_by_code(code) is None:
        abort(404)
    rows = overdue.overdue(db.session, code, tahun)
    headers = [_("NIP"), _("Name"), _("Unit"), _("Stage"), _("Task"), _("Due"), _("Days late"), _("Held by")]
    data = [[r.nip, r.nama, r.unit_nama, r.tahap, r.tugas, r.batas, r.hari_terlambat, r.penerima or ""]
            for r in rows]
    title = _("Overdue in %(opd)s, %(year)s", opd=code, year=tahun)
    return xlsx_response(f"terlambat-{code}-{tahun}.xlsx", table_xlsx(title, headers, data))


@bp.get("/ekspor/hambatan-<int:tahun>.xlsx")
@login_required
def stuck_xlsx(tahun: int) -> ResponseReturnValue:
    """Download the stage times per OPD."""
    user = overseer()
    times = stage_times.stage_times(db.session, tahun, scope_of(user))
    headers = [_("OPD code"), _("OPD"), _("Stage"), _("Cycles"), _("Median (days)"), _("90th percentile (days)")]
    data = [[t.opd_code, t.opd_name, str(STAGE_LABELS[t.stage]), t.count, t.median_days, t.p90_days]
            for t in times]
    title = _("Time per stage %(year)s", year=tahun)
    return xlsx_response(f"hambatan-{tahun}.xlsx", table_xlsx(title, headers, data))


@bp.get("/ekspor/tpp.xlsx")
@login_required
def tpp_xlsx() -> ResponseReturnValue:
    """Download the periodic predikat of one period (what the TPP is paid on), for the user's scope."""
    user = overseer()
    year, period = year_arg(), request.args.get("periode", "").strip()
    try:
        rows = period_export.period_rows(db.session, year, period, scope_of(user))
    except InvalidInput:
        abort(400)
    title = _("Periodic predikat for TPP: %(period)s %(year)s", period=period, year=year)
    data = [[row[c] for c in period_export.COLUMNS] for row in rows]
    return xlsx_response(f"tpp-{year}-{period.replace(' ', '-')}.xlsx",
                         table_xlsx(title, list(period_export.COLUMNS), data))


@bp.get("/ekspor/tugas-terlama-<int:tahun>.xlsx")
@login_required
def slowest_xlsx(tahun: int) -> ResponseReturnValue:
    """Download the oldest open tasks of the year's cycles with who holds them."""
    user = overseer()
    found = stage_times.slowest_open(db.session, tahun, scope_of(user), limit=500)
    headers = [_("NIP"), _("Name"), _("OPD code"), _("Stage"), _("Task"), _("Held by"), _("Open for (days)"), _("Due")]
    data = [[t.nip, t.nama, t.opd_code, str(STAGE_LABELS.get(t.stage, t.stage)), t.title, t.holder, t.age_days,
             t.due_at] for t in found]
    title = _("Oldest open tasks %(year)s", year=tahun)
    return xlsx_response(f"tugas-terlama-{tahun}.xlsx", table_xlsx(title, headers, data))


@bp.get("/ekspor/kurva-<int:tahun>.xlsx")
@login_required
def curve_xlsx(tahun: int) -> ResponseReturnValue:
    """Download each calibration unit's predikat distribution against its curve."""
    user = overseer()
    tree = dashboard.UnitTree.load(db.session)
    curves = dashboard.curves(db.session, tahun, dashboard.progress(db.session, tahun, scope_of(user), tree), tree)
    headers = [_("Calibration unit"), _("Predikat"), _("Employees"), _("Share (%)"), _("Allowed from (%)"),
               _("Allowed up to (%)"), _("Outside the curve")]
    data = [[c["name"], str(PREDIKAT_LABELS[row["predikat"]]), row["count"], row["percent"],
             row["min"] if c["limits"] else "", row["max"] if c["limits"] else "", _("yes") if row["broken"] else ""]
            for c in curves for row in c["rows"]]
    title = _("Predikat against the curve %(year)s", year=tahun)
    return xlsx_response(f"kurva-{tahun}.xlsx", table_xlsx(title, headers, data))
