"""The inbox page."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import login_required

from engine.runtime import inbox

from ..auth.users import me
from ..extensions import db
from . import bp


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """List the open tasks the user may work on or claim, most urgent first."""
    user = me()
    size = 25
    page = max(request.args.get("halaman", 1, type=int), 1)
    found = inbox.open_tasks_for(db.session, user.username, user.groups, limit=size, offset=(page - 1) * size)
    return render_template("inbox/index.html", tasks=found.items, total=found.total, page=page, size=size)
