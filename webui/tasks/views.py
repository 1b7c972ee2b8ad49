"""The task page: show a task's form and complete it as the signed-in user."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import KinerjaError
from engine.models import HumanTask
from engine.runtime import tasks

from ..auth.users import me
from ..extensions import db
from ..messages import error_text, field_errors
from . import bp
from .registry import form_for, panels_for


def _visible_task(task_id: int) -> HumanTask:
    """Return the task when the user may see it (assignee, claimer or candidate), else 404."""
    user = me()
    row = db.session.get(HumanTask, task_id)
    if row is None:
        abort(404)
    holder = row.assignee or row.claimed_by
    allowed = user.username == holder or (
        holder is None and tasks.is_candidate(tasks.candidates_of(db.session, row.id), user.username, user.groups))
    if not allowed and row.completed_by != user.username:
        abort(404)  # never say whether someone else's task exists
    return row


def _generated_values(row: HumanTask) -> dict[str, Any]:
    """Return the posted values of a generated form's writable fields."""
    values: dict[str, Any] = {}
    for field in row.form.get("fields", []):
        if field["readonly"]:
            continue
        if field["type"] == "boolean":
            values[field["id"]] = request.form.get(field["id"]) in ("true", "on", "1")
        elif field["id"] in request.form:
            values[field["id"]] = request.form.get(field["id"])
    return values


def _render(row: HumanTask, values: dict[str, Any] | None = None,
            errors: dict[str, list[str]] | None = None, status: int = 200) -> ResponseReturnValue:
    user = me()
    custom = form_for(row)
    extra: dict[str, Any] = {}
    if custom is not None:
        extra.update(custom.context(db.session, row, user))
    panels = [(p, p.context(db.session, row, user)) for p in panels_for(row)]
    return render_template("tasks/task.html", task=row, custom=custom, panels=panels, values=values or {},
                           errors=errors or {}, **extra), status


@bp.get("/<int:task_id>")
@login_required
def show(task_id: int) -> ResponseReturnValue:
    """Show the task's instructions, panels and form."""
    return _render(_visible_task(task_id))


@bp.post("/<int:task_id>")
@login_required
def submit(task_id: int) -> ResponseReturnValue:
    """Complete the task with the posted form; on refusal show the form again with the reasons."""
    row = _visible_task(task_id)
    user = me()
    custom = form_for(row)
    data = custom.parse(request.form) if custom is not None else _generated_values(row)
    try:
        tasks.complete(db.session, task_id, user.username, data, user.groups)
        db.session.commit()
    except KinerjaError as refusal:
        db.session.rollback()
        row = _visible_task(task_id)
        flash(error_text(refusal), "danger")
        return _render(row, values=data, errors=field_errors(refusal), status=422)
    flash(_("The task is done."), "success")
    return redirect(url_for("inbox.index"))
