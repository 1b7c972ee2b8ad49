"""Routes of the dashboard area: cycle progress per OPD, one OPD's people, where the year gets stuck."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from workflows.models.skp import PREDIKATS
from workflows.oversight import dashboard, overdue, period_export, stage_times

from ..extensions import db
from . import bp
from .access import check_opd, default_year, overseer, scope_of
from .labels import CAPAIAN_LABELS, PREDIKAT_LABELS, STAGE_LABELS


@bp.context_processor
def _labels() -> dict[str, Any]:
    """Give the dashboard templates the stage and predikat words and their order."""
    return {"stages": dashboard.STAGES, "stage_labels": STAGE_LABELS, "predikats": PREDIKATS,
            "predikat_labels": PREDIKAT_LABELS, "capaian_labels": CAPAIAN_LABELS}


def year_arg() -> int:
    """Return the year asked for (?tahun=), else the current one."""
    year = request.args.get("tahun", type=int)
    return year if year is not None and 2000 <= year <= 2100 else default_year()


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Show the year's progress per OPD, the overdue counts and each calibration unit's curve."""
    user = overseer()
    year, scope = year_arg(), scope_of(user)
    tree = dashboard.UnitTree.load(db.session)
    rows = dashboard.progress(db.session, year, scope, tree)
    opds = dashboard.by_opd(rows)
    total = dashboard.totals(opds)
    stage_bars = [(str(STAGE_LABELS[s]), total.counts[s]) for s in dashboard.STAGES]
    return render_template("dashboard/index.html", year=year, scope=scope, opds=opds, total=total,
                           stage_bars=stage_bars, period_names=period_export.PERIOD_NAMES,
                           curves=dashboard.curves(db.session, year, rows, tree))


@bp.get("/opd/<code>")
@login_required
def opd(code: str) -> ResponseReturnValue:
    """Show one OPD's employees with their stage, and what is overdue there."""
    user = overseer()
    check_opd(user, code)
    year = year_arg()
    tree = dashboard.UnitTree.load(db.session)
    unit = tree.opd_by_code(code)
    if unit is None:
        abort(404)
    rows = dashboard.progress(db.session, year, code, tree)
    stage = request.args.get("tahap")
    shown = [r for r in rows if r.stage == stage] if stage in dashboard.STAGES else rows
    late = overdue.overdue(db.session, code, year)
    summary = dashboard.by_opd(rows)
    stage_bars = [(str(STAGE_LABELS[s]), summary[0].counts[s]) for s in dashboard.STAGES] if summary else []
    return render_template("dashboard/opd.html", year=year, unit=unit, rows=shown, stage_bars=stage_bars,
                           stage=stage if stage in dashboard.STAGES else None,
                           summary=summary, late=late)


@bp.get("/hambatan")
@login_required
def stuck() -> ResponseReturnValue:
    """Show how long each stage took per OPD (median, 90th percentile) and the oldest open tasks."""
    user = overseer()
    year, scope = year_arg(), scope_of(user)
    return render_template("dashboard/stuck.html", year=year, scope=scope,
                           times=stage_times.stage_times(db.session, year, scope),
                           slowest=stage_times.slowest_open(db.session, year, scope))

