"""Deploy-time checks of camunda:dueDate and camunda:followUpDate (the runtime evaluates them as written)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from engine.expressions import ExpressionError, check_timer_value, juel_to_python

from .bpmn import Problem, camunda, compile_problems, describe

__all__ = ["TASK_DATE_ATTRIBUTES", "check_task_dates"]

TASK_DATE_ATTRIBUTES = ("dueDate", "followUpDate")


def check_task_dates(element: Any, filename: str) -> list[Problem]:
    """Return the problems of an element's due and follow-up dates: one `${...}`, an ISO date or a duration."""
    problems: list[Problem] = []
    for name in TASK_DATE_ATTRIBUTES:
        value = (element.get(camunda(name)) or "").strip()
        if not value:
            continue
        what = f"{describe(element)}, {name} '{value}'"
        if "${" in value or "#{" in value:
            try:
                python = juel_to_python(value)
            except ExpressionError as exc:
                problems.append(Problem(filename, element.sourceline, f"{describe(element)}, {name}: {exc}"))
                continue
            problems += compile_problems(filename, element.sourceline, what, python)
        elif not is_task_date(value):
            problems.append(Problem(filename, element.sourceline, f"{what} is not an ISO 8601 date, "
                                    "date-time or duration (e.g. 2027-01-31, 2027-01-31T17:00, P5D, or "
                                    "${dateTime().plusDays(5).toDate()})"))
    return problems


def is_task_date(value: str) -> bool:
    """Return True for what engine.runtime.human_tasks.task_dates reads: a duration, a date or a date-time."""
    try:
        if value.startswith("P"):
            check_timer_value(value, "timeDuration")
        elif len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except (ExpressionError, ValueError):
        return False
    return True
