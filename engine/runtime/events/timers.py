"""Firing due timers: what one worker pass does, safe with several workers at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Instance
from engine.runtime.events import messages
from engine.runtime.running import auto_retry

from ..lifecycle.instances import retry
from ..running.execution import DUE, advance, lock, restore, save


def due_instance_ids(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Return ids of active instances with a timer due at now (or a failed step's next attempt), earliest first."""
    return list(session.execute(
        # Strictly earlier: SpiffWorkflow fires a timer only once its time has passed.
        select(Instance.id).where(Instance.status.in_(DUE), Instance.next_timer_at < now)
        .order_by(Instance.next_timer_at).limit(limit)).scalars())


def fire_due(session: Session, instance_id: int, now: datetime, actor: str = "worker") -> bool:
    """Fire an instance's due timers and run its engine steps; False when another worker has it or nothing is due."""
    # SKIP LOCKED: a row another worker holds is skipped, not waited for (PostgreSQL; SQLite
    # serializes writers with BEGIN IMMEDIATE instead). Re-check the due time after locking.
    instance = lock(session, instance_id, due_by=now, skip_locked=True)
    if instance is None:
        return False
    if instance.status == "error":  # the failed step's activity has a retry time cycle
        retry(session, instance.id, actor, attempt=auto_retry.attempt_of(instance.error) or 1)
        return True
    run = restore(session, instance, actor)
    advance(run, refresh_timers=True)
    save(session, run)
    messages.deliver(session, run)
    return True
