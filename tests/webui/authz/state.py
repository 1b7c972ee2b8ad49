"""A fingerprint of everything a refused request must leave as it was: instances, tasks, audit, inbox, records."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from engine.models import AuditEvent, ExternalTask, HumanTask, Instance, Notification, SpecVersion, TaskDraft
from workflows.models.org import UserAccount


def fingerprint(app: Flask) -> dict[str, Any]:
    """Return the stored state a refusal must not touch (versions, rows, counts), as plain values."""
    from webui.extensions import db
    with app.app_context():
        session = db.session

        def rows(*columns: Any) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in session.execute(select(*columns).order_by(columns[0]))]

        return {
            "instances": rows(Instance.id, Instance.version, Instance.status, Instance.audit_seq),
            "tasks": rows(HumanTask.id, HumanTask.state, HumanTask.assignee, HumanTask.claimed_by),
            "external": rows(ExternalTask.id, ExternalTask.state, ExternalTask.worker_id, ExternalTask.retries),
            "audit": session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
            "unread": rows(Notification.id, Notification.read_at),
            "drafts": session.execute(select(func.count()).select_from(TaskDraft)).scalar_one(),
            "specs": session.execute(select(func.count()).select_from(SpecVersion)).scalar_one(),
            "passwords": rows(UserAccount.id, UserAccount.password_hash),
        }
