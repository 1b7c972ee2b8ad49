"""What a completed task's form was submitted with, as its `task_completed` audit event recorded it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent


def submitted_with(session: Session, task_id: int) -> dict[str, Any] | None:
    """Return the submitted values of a completed task; None when not recorded (a confidential task)."""
    data = session.execute(select(AuditEvent.data).where(
        AuditEvent.human_task_id == task_id, AuditEvent.event_type == "task_completed")
        .order_by(AuditEvent.id.desc()).limit(1)).scalar()
    if data is None:
        return None
    submitted = json.loads(data).get("submitted")
    return submitted if isinstance(submitted, dict) else None
