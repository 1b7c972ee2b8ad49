"""Drafts of task forms: what a user saved without submitting, kept per task and user until the task ends.

A draft is not validated (it may be half done) and belongs to its user alone: every function takes the
username, so no caller can read or overwrite someone else's draft.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.data_limits import check_data
from engine.models import TaskDraft


def get(session: Session, task_id: int, username: str) -> TaskDraft | None:
    """Return the user's draft of a task, or None."""
    return session.execute(select(TaskDraft).where(
        TaskDraft.human_task_id == task_id, TaskDraft.username == username)).scalar_one_or_none()


def save(session: Session, task_id: int, username: str, data: dict[str, Any]) -> TaskDraft:
    """Store (or replace) the user's draft of a task with the values given, as they are (within the data limits)."""
    check_data(data)
    draft = get(session, task_id, username)
    if draft is None:
        draft = TaskDraft(human_task_id=task_id, username=username)
        session.add(draft)
    # JSON-safe copy: the caller's dict may hold dates or be changed after the call.
    draft.data = audit.json_safe(data)
    draft.saved_at = clock.now()
    session.flush()
    return draft


def discard(session: Session, task_id: int, username: str | None = None) -> int:
    """Delete the drafts of a task (of one user when given); return how many there were."""
    statement = delete(TaskDraft).where(TaskDraft.human_task_id == task_id)
    if username is not None:
        statement = statement.where(TaskDraft.username == username)
    result = session.execute(statement.execution_options(synchronize_session="fetch"))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
