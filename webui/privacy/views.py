"""The "Data pribadi saya" page: the download of one's own data and the list of who viewed one's appraisals.

Both read only the signed-in account's own data: no route takes a NIP, an account or an instance id, so
there is nothing to change to reach someone else's. Each download and each look at the list is audited in
the request's transaction (`personal_data.record_export`, `record_views.record_listing`).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.clock import clock
from workflows.data_protection import personal_data, record_views
from workflows.models.org import Employee, UserAccount

from ..appraisals.labels import ROLE_LABELS, VIEWED_LABELS, label
from ..auth.users import me
from ..extensions import db
from ..inbox.stages import stage_name
from . import bp

#: Looks shown per page of the list.
PAGE_SIZE = 20


def own_account() -> UserAccount:
    """Return the signed-in user's own account row (never another's: there is no parameter to change)."""
    account = db.session.get(UserAccount, me().account_id)
    if account is None:
        abort(404)
    return account


def own_employee(account: UserAccount) -> Employee | None:
    """Return the employee the account belongs to, or None for a staff account."""
    return db.session.get(Employee, account.employee_id) if account.employee_id is not None else None


def download(account: UserAccount, channel: str) -> Response:
    """Return the account's copy as a JSON attachment and audit the download (committed with the answer)."""
    copy = personal_data.collect(db.session, account)
    personal_data.record_export(db.session, account, copy, channel)
    db.session.commit()
    employee = own_employee(account)
    who = employee.nip if employee is not None else account.username
    name = f"data-pribadi-{who}-{clock.now().astimezone(clock.local_tz).date().isoformat()}.json"
    response = Response(json.dumps(copy, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _words() -> dict[str, Any]:
    """Give the page the words for the codes it shows."""
    return {"label": label, "role_labels": ROLE_LABELS, "viewed_labels": VIEWED_LABELS, "stage_name": stage_name}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Show the download button and who viewed my appraisals (paged, newest first); the look is audited."""
    account = own_account()
    employee = own_employee(account)
    page = max(request.args.get("halaman", 1, type=int), 1)
    found = record_views.views_of(db.session, employee, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    record_views.record_listing(db.session, account.username, employee.nip if employee else None, page, "web")
    db.session.commit()
    pages = max((found.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template("privacy/index.html", found=found, page=page, pages=pages, employee=employee)


@bp.post("/unduh")
@login_required
def export() -> ResponseReturnValue:
    """Download everything the system holds about me as JSON (a form post: it is audited)."""
    return download(own_account(), "web")
