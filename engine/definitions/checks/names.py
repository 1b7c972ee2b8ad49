"""Deploy-time check of user task names holding `${...}`: the title each task gets when it appears."""

from __future__ import annotations

from typing import Any

from engine.expressions import ExpressionError, juel_template_to_python

from .bpmn import Problem, compile_problems, describe, local

__all__ = ["check_task_name"]


def check_task_name(element: Any, filename: str) -> list[Problem]:
    """Return the problems of a user task's name expression (text mixed with `${...}`, as Camunda 7 allows)."""
    name = element.get("name") or ""
    if local(element) != "userTask" or ("${" not in name and "#{" not in name):
        return []
    try:
        python = juel_template_to_python(name)
    except ExpressionError as exc:
        return [Problem(filename, element.sourceline, f"{describe(element)}, name: {exc}")]
    return compile_problems(filename, element.sourceline, f"{describe(element)}, name", python)
