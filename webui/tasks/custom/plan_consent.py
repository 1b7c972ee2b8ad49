"""The consent page: an employee gives or withdraws their consent to publish their own predikat of a year."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import login_required
from sqlalchemy import select

from engine.clock import clock
from workflows.appraisals.records import RecordInvalid
from workflows.models.org import Employee
from workflows.models.skp import Skp
from workflows.publishing import consent as consents

from ...auth.users import me
from ...extensions import db
from .. import bp


def _employee() -> Employee:
    """Return the signed-in user's employee record; staff accounts without one have no consent to give."""
    employee_id = me().employee_id
    employee = db.session.get(Employee, employee_id) if employee_id is not None else None
    if employee is None:
        abort(404)
    return employee


def _years(employee: Employee) -> list[int]:
    """Return the years the employee has an SKP for, and this year, newest first."""
    years = set(db.session.execute(select(Skp.year).where(Skp.employee_id == employee.id)).scalars())
    years.add(to_user_timezone(clock.now()).year)
    return sorted(years, reverse=True)


def _year(employee: Employee, raw: str | None) -> tuple[int, list[int]]:
    years = _years(employee)
    if raw is None:
        return years[0], years
    if not raw.isdigit() or int(raw) not in years:
        abort(404)
    return int(raw), years


def _render(employee: Employee, year: int, years: list[int], errors: dict[str, list[str]] | None = None,
            status: int = 200) -> ResponseReturnValue:
    context: dict[str, Any] = {
        "employee": employee, "year": year, "years": years, "errors": errors or {},
        "valid": consents.valid_consent(db.session, employee, year),
        "history": consents.consent_history(db.session, employee, year),
        "statement": consents.DEFAULT_TEXT.format(tahun=year)}
    return render_template("tasks/custom/plan_consent.html", **context), status


@bp.get("/persetujuan-publikasi")
@login_required
def consent() -> ResponseReturnValue:
    """Show the employee's publication consent of a year, with its history and the form to change it."""
    employee = _employee()
    year, years = _year(employee, request.args.get("tahun"))
    return _render(employee, year, years)


@bp.post("/persetujuan-publikasi")
@login_required
def change_consent() -> ResponseReturnValue:
    """Give or withdraw the consent as the signed-in employee (audited by the domain, committed once)."""
    employee = _employee()
    year, years = _year(employee, request.form.get("tahun", ""))
    action = request.form.get("action")
    try:
        if action == "give":
            if request.form.get("setuju") != "ya":
                return _render(employee, year, years, {"setuju": [_("Tick the box to confirm your consent.")]}, 422)
            consents.give_consent(db.session, employee, year, me().username)
            message = _("Your consent has been recorded.")
        elif action == "withdraw":
            reason = (request.form.get("alasan") or "").strip() or None
            if reason is not None and len(reason) > consents.MAX_TEXT:
                return _render(employee, year, years, {"alasan": [_("This text is too long.")]}, 422)
            consents.revoke_consent(db.session, employee, year, me().username, teks=reason)
            message = _("Your consent has been withdrawn.")
        else:
            abort(400)
        db.session.commit()
    except RecordInvalid:
        db.session.rollback()
        flash(_("There is no valid consent to withdraw for this year."), "danger")
        return _render(employee, year, years, status=409)
    flash(message, "success")
    return redirect(url_for("tasks.consent", tahun=year))
