"""Deploy-time check of user task names holding `${...}`: the title each task gets when it appears."""

from __future__ import annotations

from typing import Any

from engine.expressions import ExpressionError, juel_template_to_python

from ..problems import bpmn, camunda
from .bpmn import Problem, compile_problems, describe, local

__all__ = ["check_task_name"]


def check_task_name(element: Any, filename: str) -> list[Problem]:
    """Return the problems of a user task's title: its name expression (text mixed with `${...}`, as Camunda 7
    allows) and the extension property `title` that may hold the template instead."""
    if local(element) != "userTask":
        return []
    problems = _check(element, filename, "name", element.get("name") or "", element.sourceline)
    for prop in element.iterfind(f"{bpmn('extensionElements')}/{camunda('properties')}/{camunda('property')}"):
        if prop.get("name") == "title":
            problems += _check(element, filename, "title property", prop.get("value") or "", prop.sourceline)
    return problems


def _check(element: Any, filename: str, what: str, text: str, line: int) -> list[Problem]:
    if "${" not in text and "#{" not in text:
        return []
    try:
        python = juel_template_to_python(text)
    except ExpressionError as exc:
        return [Problem(filename, line, f"{describe(element)}, {what}: {exc}")]
    return compile_problems(filename, line, f"{describe(element)}, {what}", python)
