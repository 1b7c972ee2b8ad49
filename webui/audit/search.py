"""The auditors' lists: every instance by person, unit, year, process and state; and who viewed whose records."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from workflows.audit.audit_search import STATES, AccessFilters, InstanceFilters, search_access, search_instances

from ..extensions import db
from . import bp
from .views import page_number, page_size


def _year(errors: dict[str, list[str]]) -> int | None:
    text = request.args.get("tahun", "").strip()
    if not text:
        return None
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        errors.setdefault("tahun", []).append(_("Enter a year between 2000 and 2100."))
        return None
    return int(text)


def _day(name: str, errors: dict[str, list[str]]) -> date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.setdefault(name, []).append(_("Enter a date as YYYY-MM-DD."))
        return None


def _args(*names: str) -> dict[str, Any]:
    """Return the filters in the address (for the pager's links)."""
    return {name: request.args[name] for name in names if request.args.get(name)}


@bp.get("/")
def index() -> ResponseReturnValue:
    """Search every process instance (appraisals, calibrations, unit ratings...), newest first, paged."""
    errors: dict[str, list[str]] = {}
    state = request.args.get("status") or None
    if state is not None and state not in STATES:
        errors["status"] = [_("Choose a state from the list.")]
        state = None
    filters = InstanceFilters(text=request.args.get("cari", "").strip(), unit_id=request.args.get("unit", type=int),
                              year=_year(errors), process_id=request.args.get("proses") or None, state=state)
    size, page = page_size(), page_number()
    found = search_instances(db.session, filters, limit=size, offset=(page - 1) * size)
    return render_template("audit/index.html", found=found, filters=filters, errors=errors, page=page,
                           pages=max((found.total + size - 1) // size, 1),
                           args=_args("cari", "unit", "tahun", "proses", "status"))


@bp.get("/akses")
def access() -> ResponseReturnValue:
    """List the recorded looks at records across the city: who viewed whose appraisal, when, newest first."""
    errors: dict[str, list[str]] = {}
    since, until = _day("dari", errors), _day("sampai", errors)
    if since and until and until < since:
        errors["sampai"] = [_("The end date must not be before the start date.")]
        until = None
    filters = AccessFilters(viewer=request.args.get("pelihat", "").strip(),
                            employee=request.args.get("pegawai", "").strip(),
                            unit_id=request.args.get("unit", type=int), since=since, until=until)
    size, page = page_size(), page_number()
    found = search_access(db.session, filters, limit=size, offset=(page - 1) * size)
    return render_template("audit/access.html", found=found, filters=filters, errors=errors, page=page,
                           pages=max((found.total + size - 1) // size, 1),
                           args=_args("pelihat", "pegawai", "unit", "dari", "sampai"))
