"""The inbox page: my tasks, my groups' unclaimed tasks, and tasks I hold as Plt/Plh, most urgent first."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from workflows.inbox.inbox_view import TABS, Filters, inbox_of

from ..auth.users import me
from ..extensions import db
from . import bp
from .stages import stage_name

#: Tabs by their name in the address (Indonesian, as users read it).
TAB_PARAMS = {"saya": "mine", "kelompok": "group", "atas-nama": "acting"}
PARAM_OF = {tab: param for param, tab in TAB_PARAMS.items()}


def _filters() -> Filters:
    year = request.args.get("tahun", type=int)
    unit = request.args.get("unit", type=int)
    stage = (request.args.get("tahap") or "").strip() or None
    return Filters(year=year if year and 2000 <= year <= 2100 else None, unit_id=unit, stage=stage)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """List one tab of the user's open tasks with every tab's counts, filtered and paged."""
    user = me()
    tab = TAB_PARAMS.get(request.args.get("tab", "saya"), "mine")
    filters = _filters()
    size = max(int(current_app.config["KINERJA_INBOX_PAGE_SIZE"]), 1)
    page = max(request.args.get("halaman", 1, type=int), 1)
    found = inbox_of(db.session, user.username, user.groups, tab, filters, limit=size, offset=(page - 1) * size)
    pages = max((found.total + size - 1) // size, 1)
    args = {k: v for k, v in (("tab", PARAM_OF[tab]), ("tahun", filters.year), ("unit", filters.unit_id),
                              ("tahap", filters.stage)) if v}
    if page > pages:  # a page that no longer exists (tasks were done meanwhile): the last one
        return redirect(url_for("inbox.index", halaman=pages, **args))
    return render_template("inbox/index.html", inbox=found, tab=tab, tabs=TABS, param_of=PARAM_OF,
                           filters=filters, filtered=bool(filters.year or filters.unit_id or filters.stage),
                           page=page, pages=pages, args=args, stage_name=stage_name)
