"""Rendering the task page: header facts, instructions, panels, the form, and what stands in its way."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from engine.clock import clock
from engine.models import HumanTask
from engine.runtime.human_tasks import drafts, tasks

from ..auth.users import me
from ..extensions import db
from ..i18n import _day, _when
from .access import Access
from .generated import field_views
from .people import holders_of, user_names
from .registry import form_for, panels_for
from .subject import subject_of
from .submitted import submitted_with


def render_task(access: Access, values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
                status: int = 200) -> ResponseReturnValue:
    """Render the page of a task for the signed-in user (values: a refused submission to show again)."""
    row, user = access.row, me()
    custom = form_for(row)
    draft = drafts.get(db.session, row.id, user.username) if access.may_act else None
    submitted = submitted_with(db.session, row.id) if access.done_by_me else None
    if values is None:
        values = submitted if access.done_by_me else (draft.data if draft is not None else {})
    extra: dict[str, Any] = custom.context(db.session, row, user) if custom is not None else {}
    panels = [(p, p.context(db.session, row, user)) for p in panels_for(row)]
    fields = ([] if custom is not None and custom.draws_fields
              else field_views(row.form, values or {}, shown_only=access.done_by_me))
    page = {
        "task": row, "access": access, "custom": custom, "panels": panels, "values": values or {},
        "errors": errors or {}, "fields": fields, "draft": draft, "submitted": submitted,
        "subject": subject_of(db.session, row), "due": due_text(row),
        "holders": holders_of(db.session, row.assignee, row.claimed_by, access.candidates, user.username),
        "confidential": tasks.is_confidential(row),
    }
    return render_template("tasks/task.html", **{**extra, **page}), status


def due_text(row: HumanTask) -> tuple[str, bool] | None:
    """Return the due date in words and whether it has passed (None when the task has no deadline)."""
    if row.due_at is None or row.state != "open":
        return None
    day = _day(row.due_at, "long")
    if clock.now() > row.due_at:
        days = max((clock.now() - row.due_at).days, 1)
        return ngettext("%(day)s — overdue by %(num)d day", "%(day)s — overdue by %(num)d days", days,
                        day=day), True
    left = (row.due_at - clock.now()).days
    if left == 0:
        return _("%(day)s — due today", day=day), False
    return ngettext("%(day)s — %(num)d day left", "%(day)s — %(num)d days left", left, day=day), False


def gone_text(row: HumanTask, *, posted: bool) -> str:
    """Say where a task went: completed by whom and when, taken by whom, or withdrawn by the process."""
    if row.state == "completed":
        name = user_names(db.session, [row.completed_by]).get(row.completed_by or "", row.completed_by or "")
        text = _("This task was already completed by %(name)s on %(when)s.", name=name,
                 when=_when(row.completed_at))
    elif row.state == "open":
        holder = row.assignee or row.claimed_by or ""
        text = _("%(name)s now holds this task.", name=user_names(db.session, [holder]).get(holder, holder))
    else:
        text = _("This task is no longer open: the process went on without it.")
    if posted:
        return text + " " + _("Nothing was changed.")
    return text
