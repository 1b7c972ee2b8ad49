"""Notifications in the app: the unread badge of the navbar, the list, marking one or all read."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from engine import notifications
from engine.errors import NotFound

from ..auth.users import me
from ..extensions import db
from . import bp
from .stages import NOTICE_KINDS


@bp.app_context_processor
def _badge() -> dict[str, Any]:
    """Give every page `unread_notifications()`, queried only when the navbar draws it."""
    def unread() -> int:
        if not current_user.is_authenticated:
            return 0
        user = me()
        try:
            return notifications.unread_count(db.session, user.username, user.groups)
        except SQLAlchemyError:  # an error page must still render when the database is what failed
            db.session.rollback()
            return 0
    return {"unread_notifications": unread}


@bp.get("/notifikasi")
@login_required
def notices() -> ResponseReturnValue:
    """List the user's notifications, newest first."""
    user = me()
    size = max(int(current_app.config["KINERJA_INBOX_PAGE_SIZE"]), 1)
    page = max(request.args.get("halaman", 1, type=int), 1)
    rows, total = notifications.list_for(db.session, user.username, user.groups, limit=size,
                                         offset=(page - 1) * size)
    pages = max((total + size - 1) // size, 1)
    if page > pages:
        return redirect(url_for("inbox.notices", halaman=pages))
    unread = sum(1 for row in rows if row.read_at is None)
    return render_template("inbox/notifications.html", rows=rows, total=total, page=page, pages=pages,
                           kinds=NOTICE_KINDS, unread_on_page=unread)


@bp.post("/notifikasi/<int:notification_id>/baca")
@login_required
def read_one(notification_id: int) -> ResponseReturnValue:
    """Mark one notification read; with `buka`, go on to its task."""
    user = me()
    try:
        row = notifications.mark_read(db.session, notification_id, user.username, user.groups)
    except NotFound:
        abort(404)
    db.session.commit()
    if request.form.get("buka") and row.human_task_id is not None:
        return redirect(url_for("tasks.show", task_id=row.human_task_id))
    return redirect(url_for("inbox.notices", halaman=request.form.get("halaman", type=int) or None))


@bp.post("/notifikasi/baca-semua")
@login_required
def read_all() -> ResponseReturnValue:
    """Mark every notification of the user read."""
    user = me()
    count = notifications.mark_all_read(db.session, user.username, user.groups)
    db.session.commit()
    flash(ngettext("%(num)d notification marked as read.", "%(num)d notifications marked as read.", count)
          if count else _("There was nothing unread."), "success" if count else "info")
    return redirect(url_for("inbox.notices"))
