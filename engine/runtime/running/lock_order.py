"""The one lock order of the engine: an instance row before any of its task rows.

The worker firing a deadline timer locks the instance, then cancels its open task rows; a user
completing one of those tasks at the same moment must not already hold the task row while waiting
for the instance, or each waits for the other (PostgreSQL breaks it with DeadlockDetected). So every
change to a task row (a human task, an external task) first locks its instance.
"""

from __future__ import annotations

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.orm import Session

from .execution import INSTANCE

#: The lock statement per task table, built once: it runs before every task action.
_LOCKS: dict[str, Select[int]] = {}


def lock_instance_of(session: Session, task_table: Table, task_id: int) -> int | None:
    """Lock the instance row of a task row (one statement, the task row itself unlocked); return its id."""
    query = _LOCKS.get(task_table.name)
    if query is None:
        owner = select(task_table.c.instance_id).where(task_table.c.id == bindparam("task_id")).scalar_subquery()
        query = _LOCKS[task_table.name] = select(INSTANCE.c.id).where(INSTANCE.c.id == owner).with_for_update(
            of=INSTANCE)
    return session.connection().execute(query, {"task_id": task_id}).scalar()
