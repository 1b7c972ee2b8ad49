"""When a human task is due and when to follow it up: camunda:dueDate and camunda:followUpDate."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.clock import clock

from .assignment import evaluate_value

__all__ = ["due_at", "follow_up_at", "moment_of"]


def moment_of(value: Any, created: datetime) -> datetime | None:
    """Return the moment a due or follow-up value means; a duration counts from created.

    The value is a date or date-time (ISO 8601 text, as variables and JUEL date chains hold them) or a
    duration (`P7D`). A plain date means the end of that day in WITA; a time without offset is in WITA.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=clock.local_tz)
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59), tzinfo=clock.local_tz)
    text = str(value).strip()
    if text.startswith("P"):
        duration = TimerEventDefinition.parse_iso_duration(text)
        delta: timedelta = TimerEventDefinition.get_timedelta_from_start(duration, created)
        return created + delta
    if len(text) == 10:  # a plain date: the end of that day
        return datetime.combine(date.fromisoformat(text), time(23, 59, 59), tzinfo=clock.local_tz)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.local_tz)


def _task_moment(task: Any, attribute: str, created: datetime) -> datetime | None:
    return moment_of(evaluate_value(task, (task.task_spec.extensions or {}).get(attribute)), created)


def due_at(task: Any, created: datetime) -> datetime | None:
    """Evaluate camunda:dueDate of a task that appeared at created."""
    return _task_moment(task, "dueDate", created)


def follow_up_at(task: Any, created: datetime) -> datetime | None:
    """Evaluate camunda:followUpDate of a task that appeared at created."""
    return _task_moment(task, "followUpDate", created)
