"""Who may work on a human task: a pluggable resolver, with a default that reads camunda: attributes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

from engine.config import Defaults
from engine.definitions.checks.bpmn import ASSIGNMENT_ATTRIBUTES
from engine.expressions import juel_to_python, split_list


@dataclass
class Assignment:
    """The resolved assignee and candidates of one task."""

    assignee: str | None = None
    candidate_users: list[str] = field(default_factory=list)
    candidate_groups: list[str] = field(default_factory=list)
    #: Whom the assignee stands in for (an acting official's post), kept in the task's properties as `acting_for`.
    acting_for: dict[str, str] | None = None


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
            raise NameError(f"the process variable '{expression}' is not set")
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


class AssignmentFailed(LookupError):
    """An assignment attribute could not be evaluated; the message says which and why, in plain words."""


def _why(exc: BaseException) -> str:
    """Return a process owner's reading of an evaluation error (the sandbox wraps the original one)."""
    cause = exc.__cause__ or exc
    missing = re.match(r"name '(\w+)' is not defined", str(cause))
    if missing:
        return f"the process variable '{missing[1]}' is not set"
    if isinstance(cause, KeyError):
        return f"the value has no key {cause}"
    return str(cause) or "it could not be evaluated"


def _attribute(task: Any, ext: dict[str, Any], name: str, evaluate: Any) -> Any:
    try:
        return evaluate(task, ext.get(name))
    except Exception as exc:
        raise AssignmentFailed(f"{name} '{ext.get(name)}': {_why(exc)}") from exc


class AttributeResolver:
    """Default resolver: evaluates camunda:assignee, candidateUsers and candidateGroups."""

    def resolve(self, task: Any) -> Assignment:
        ext = task.task_spec.extensions or {}
        assignees = as_names(_attribute(task, ext, "assignee", evaluate_value))
        if len(assignees) > 1:
            # Camunda refuses an assignee that is not one user id; taking the first would hide the others.
            raise AssignmentFailed(f"assignee '{ext.get('assignee')}' gave {len(assignees)} users "
                                   f"({', '.join(assignees)}); name one, or list them in candidateUsers")
        return Assignment(
            assignee=assignees[0] if assignees else None,
            candidate_users=_attribute(task, ext, "candidateUsers", evaluate_list),
            candidate_groups=_attribute(task, ext, "candidateGroups", evaluate_list),
        )


_resolver: Resolver = AttributeResolver()
_operators_group: str = Defaults.OPERATORS_GROUP


def set_operators_group(group: str) -> None:
    """Set the candidate group that gets the tasks no one else can take (`KINERJA_OPERATORS_GROUP`)."""
    global _operators_group
    _operators_group = group.strip() or Defaults.OPERATORS_GROUP


def operators_group() -> str:
    """Return the candidate group that gets the tasks no one else can take."""
    return _operators_group


def nobody_reason(task: Any) -> str | None:
    """Return why a task that should have someone resolved to no one; None when it was modelled for no one.

    Camunda leaves a task without assignee or candidates unassigned; Kinerja hands it to the operators.
    A task whose assignment attributes evaluate to nothing, or whose lane the resolver does not know,
    was meant for someone: that is an assignment error the operators must see.
    """
    ext = task.task_spec.extensions or {}
    named = [f"{name} '{ext[name]}'" for name in ASSIGNMENT_ATTRIBUTES if (ext.get(name) or "").strip()]
    if named:
        return f"{' and '.join(named)} gave no user or group"
    lane = (task.task_spec.lane or "").strip()
    if lane:
        return (f"lane '{lane}' is not one Kinerja can resolve to users; put the task in a known lane or "
                "set an assignee or candidates")
    return None


def set_resolver(resolver: Resolver) -> None:
    """Install the resolver every inbox sync uses."""
    global _resolver
    _resolver = resolver


def get_resolver() -> Resolver:
    """Return the installed resolver."""
    return _resolver


def initiator_variables(spec: Any) -> list[str]:
    """Return the variables (camunda:initiator) of a process's start events that get the starting user."""
    return sorted({name for task_spec in spec.task_specs.values()
                   if (name := (getattr(task_spec, "extensions", None) or {}).get("initiator"))
                   and isinstance(task_spec, StartEvent)})
