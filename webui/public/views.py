"""The published results: per year the units with a publication, per unit its chart, table and names."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from workflows.models.skp import PREDIKATS
from workflows.publishing import public_feedback, public_results
from workflows.publishing.public_results import PublishedUnit

from ..extensions import db
from ..tasks.custom.rating_labels import CAPAIAN, PREDIKAT
from . import bp
from .charts import BarChart, bar_chart


@bp.get("")
@bp.get("/<int:tahun>")
def index(tahun: int | None = None) -> ResponseReturnValue:
    """List the units whose results of a year are published (the latest year by default)."""
    years = public_results.published_years(db.session)
    if tahun is None:
        tahun = years[0] if years else None
    elif tahun not in years:
        abort(404)
    units = public_results.published_units(db.session, tahun) if tahun in years else []
    return render_template("public/index.html", years=years, tahun=tahun, units=units, capaian=CAPAIAN,
                           services=public_feedback.public_service_units(db.session))


def _chart(unit: PublishedUnit) -> BarChart | None:
    if unit.distribution is None:
        return None
    rows = [(p, str(PREDIKAT[p]), unit.distribution[p]) for p in PREDIKATS]
    summary = _("Predikat of %(unit)s, %(year)s: ", unit=unit.name, year=unit.year) + "; ".join(
        _("%(predikat)s %(count)d", predikat=label, count=value) for _key, label, value in rows) + "."
    return bar_chart(rows, summary)


@bp.get("/<int:tahun>/<code>")
def unit(tahun: int, code: str) -> ResponseReturnValue:
    """Show a unit's published result of a year: distribution chart and table, consenting names."""
    found = public_results.published_unit(db.session, tahun, code)
    if found is None:
        abort(404)
    services = {u.code for u in public_feedback.public_service_units(db.session)}
    return render_template("public/unit.html", unit=found, chart=_chart(found), predikat=PREDIKAT,
                           capaian=CAPAIAN, public_service=found.code in services)
