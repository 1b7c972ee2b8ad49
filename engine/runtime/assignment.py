"""Who may work on a human task: a pluggable resolver, with a default that reads camunda: attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from engine.expressions import juel_to_python, split_list


@dataclass
class Assignment:
    """The resolved assignee and candidates of one task."""

    assignee: str | None = None
    candidate_users: list[str] = field(default_factory=list)
    candidate_groups: list[str] = field(default_factory=list)


class Resolver(Protocol):
    """Turns a READY SpiffWorkflow task into an Assignment (workflows/ plugs in lane-based rules)."""

    def resolve(self, task: Any) -> Assignment: ...


@lru_cache(maxsize=1024)
def _python(text: str) -> str | None:
    """Return the Python expression for a `${...}` value, or None for plain text."""
    text = text.strip()
    if text.startswith(("${", "#{")):
        return juel_to_python(text)
    return None


def evaluate_value(task: Any, text: str | None) -> Any:
    """Evaluate a camunda: attribute value (`${...}` or plain text) against the task's data."""
    if text is None:
        return None
    expression = _python(text)
    if expression is None:
        return text.strip()
    if expression.isidentifier():
        # `${penilai}` is by far the most common form: read it without starting the sandbox.
        if expression not in task.data:
            raise NameError(f"name '{expression}' is not defined")
        return task.data[expression]
    return task.workflow.script_engine.evaluate(task, expression)


def evaluate_list(task: Any, text: str | None) -> list[str]:
    """Evaluate a candidate list: every item may be a plain name or an expression giving names."""
    if not text:
        return []
    names: list[str] = []
    for item in split_list(text):
        names.extend(as_names(evaluate_value(task, item)))
    return names


def as_names(value: Any) -> list[str]:
    """Return a list of names from a comma-separated string, a list, or a single value."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class AttributeResolver:
    """Default resolver: evaluates camunda:assignee, candidateUsers and candidateGroups."""

    def resolve(self, task: Any) -> Assignment:
        ext = task.task_spec.extensions or {}
        assignees = as_names(evaluate_value(task, ext.get("assignee")))
        return Assignment(
            assignee=assignees[0] if assignees else None,
            candidate_users=evaluate_list(task, ext.get("candidateUsers")),
            candidate_groups=evaluate_list(task, ext.get("candidateGroups")),
        )


_resolver: Resolver = AttributeResolver()


def set_resolver(resolver: Resolver) -> None:
    """Install the resolver every inbox sync uses."""
    global _resolver
    _resolver = resolver


def get_resolver() -> Resolver:
    """Return the installed resolver."""
    return _resolver

