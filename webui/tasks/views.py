"""The task page: show a task, complete it, save a draft of it, claim and release it, as the signed-in user."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import Conflict, KinerjaError
from engine.models import HumanTask
from engine.runtime.human_tasks import drafts, tasks

from ..auth.users import me
from ..extensions import db
from ..messages import error_text, field_errors
from . import bp
from .access import Access, OutOfHand, access_to
from .generated import read_fields
from .page import gone_text, render_task
from .registry import form_for

#: The name of the button that was pressed: send the form, or keep it as a draft.
ACTION = "aksi"
DRAFT = "draf"


@bp.get("/<int:task_id>")
@login_required
def show(task_id: int) -> ResponseReturnValue:
    """Show the task's header, instructions, panels and form (what was submitted, once completed)."""
    try:
        access = access_to(task_id, posted=False)
    except OutOfHand as gone:
        return _elsewhere(gone.row, posted=False)
    return render_task(access)


@bp.post("/<int:task_id>")
@login_required
def submit(task_id: int) -> ResponseReturnValue:
    """Complete the task with the posted form, or keep it as a draft; on refusal show it again with the reasons."""
    try:
        access = access_to(task_id, posted=True)
    except OutOfHand as gone:
        return _elsewhere(gone.row, posted=True)
    if not access.may_act:
        return _not_yours(access)
    row, user = access.row, me()
    data = read_fields(row.form, request.form)
    custom = form_for(row)
    if custom is not None:
        # A custom editor may stand alone or be the custom part beside generated fields (formKey and formData).
        data.update(custom.parse(request.form))
    draft = request.form.get(ACTION) == DRAFT
    try:
        if draft:
            drafts.save(db.session, row.id, user.username, data)
        else:
            tasks.complete(db.session, task_id, user.username, data, user.groups)  # drops the task's drafts too
        db.session.commit()
    except Conflict as refusal:
        db.session.rollback()
        return _again(task_id, refusal, data)
    except KinerjaError as refusal:
        db.session.rollback()
        flash(error_text(refusal), "danger")
        return render_task(access_to(task_id, posted=True), values=data, errors=field_errors(refusal), status=422)
    if draft:
        flash(_("Your draft is saved. Nothing is sent until you press Submit."), "success")
        return redirect(url_for(".show", task_id=task_id), 303)
    flash(_("The task is done."), "success")
    return redirect(url_for("inbox.index"), 303)


@bp.post("/<int:task_id>/ambil")
@login_required
def claim(task_id: int) -> ResponseReturnValue:
    """Take a group task, so that only the signed-in user works on it."""
    try:
        access = access_to(task_id, posted=True)
    except OutOfHand as gone:
        return _elsewhere(gone.row, posted=True)
    if access.may_claim:
        user = me()
        try:
            tasks.claim(db.session, task_id, user.username, user.groups)
            db.session.commit()
        except Conflict as refusal:
            db.session.rollback()
            return _again(task_id, refusal)
        flash(_("The task is yours now: no one else can work on it until you release it."), "success")
    elif not access.may_act:
        return _not_yours(access)
    return redirect(url_for(".show", task_id=task_id), 303)


@bp.post("/<int:task_id>/lepas")
@login_required
def release(task_id: int) -> ResponseReturnValue:
    """Give a claimed task back to its candidates."""
    try:
        access = access_to(task_id, posted=True)
    except OutOfHand as gone:
        return _elsewhere(gone.row, posted=True)
    if not access.may_release:
        return _not_yours(access)
    try:
        tasks.unclaim(db.session, task_id, me().username)
        db.session.commit()
    except Conflict as refusal:
        db.session.rollback()
        return _again(task_id, refusal)
    flash(_("You released the task: the others it is meant for can take it now."), "success")
    return redirect(url_for("inbox.index"), 303)


@bp.post("/<int:task_id>/draf/hapus")
@login_required
def discard_draft(task_id: int) -> ResponseReturnValue:
    """Delete the signed-in user's draft of a task, so that the form starts again from the task's values."""
    try:
        access = access_to(task_id, posted=True)
    except OutOfHand as gone:
        return _elsewhere(gone.row, posted=True)
    if not access.may_act:
        return _not_yours(access)
    if drafts.discard(db.session, task_id, me().username):
        db.session.commit()
        flash(_("Your draft is deleted."), "success")
    return redirect(url_for(".show", task_id=task_id), 303)


def _again(task_id: int, refusal: Conflict, values: dict[str, Any] | None = None) -> ResponseReturnValue:
    """Answer a request that lost a race (a second tab, a colleague): say how the task stands now."""
    try:
        access = access_to(task_id, posted=True)
    except OutOfHand as gone:
        return _elsewhere(gone.row, posted=True)
    if access.may_act:
        # Still the user's task, changed meanwhile (the process moved on in another request): try again.
        flash(error_text(refusal), "danger")
        return render_task(access, values=values, status=409)
    return _not_yours(access)


def _not_yours(access: Access) -> ResponseReturnValue:
    """Refuse an action the user may not take on a task they may see, saying why; nothing changes."""
    if access.done_by_me:
        flash(gone_text(access.row, posted=True), "danger")
    elif access.may_claim:
        flash(_("Take the task first: press “Take task”. Nothing was saved."), "warning")
    elif access.may_act:
        flash(_("You did not take this task from a group, so there is nothing to release."), "warning")
    else:
        abort(404)
    return render_task(access, status=409)


def _elsewhere(row: HumanTask, *, posted: bool) -> ResponseReturnValue:
    """Send a candidate whose task someone else took or completed back to the inbox, saying who and when."""
    flash(gone_text(row, posted=posted), "warning")
    return redirect(url_for("inbox.index"), 303)
