"""Data a run would store beyond the limits of `engine.data_limits`: an incident at the step, or a refusal.

Checked when a run is saved, on the values the tasks changed in the run hold that their parents did not
(a completion changes a handful), so the cost does not grow with the instance. The step that brought the
bad value in is found by comparing each changed task with its parent:

- a script, decision or any other step of the engine becomes an incident at that step: the step is put
  back as it was before it ran (its data is its parent's again, the steps after it are dropped) and marked
  failed, so nothing it produced is stored and `instance retry` runs it again;
- a user task or an external task, completed by a request, is refused whole (`FormInvalid`, a 4xx): the
  caller rolls back and the instance stays as it was.

Data stored before the limits existed is left alone: only a problem a step adds counts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine.data_limits import Problem, data_limits, refusal, shape_problems, size_problems
from engine.elements.service_tasks import ExternalServiceTask
from engine.errors import KinerjaError

from .run import Run


class DataRefused(KinerjaError):
    """A step produced data beyond the limits; its message names the variable and its size."""

    code = "data_refused"

    def __init__(self, message: str, task: Any, **details: Any) -> None:
        super().__init__(message, **details)
        self.task = task


def hold_back(runs: Sequence[Run], fail: Callable[[Run, Exception], None]) -> None:
    """Undo and fail the step of each run that would store data beyond the limits; refuse a request's data."""
    for run in runs:
        if run.instance.status != "terminated":
            _hold_back(run, fail)


#: The parent data of a task without a parent (never written: texts are kept by object).
_NO_DATA: dict[str, Any] = {}


def _hold_back(run: Run, fail: Callable[[Run, Exception], None]) -> None:
    texts: dict[int, str | None] = {}
    culprits = []
    for task in _changed_tasks(run.workflow, run.started):
        added = _added(task, texts)
        if added:
            culprits.append((task.last_state_change, task, added))
    if not culprits:
        return
    _, task, added = min(culprits, key=lambda culprit: culprit[0])
    if task.task_spec.manual or isinstance(task.task_spec, ExternalServiceTask) or task.parent is None:
        raise refusal(added)  # what a person or a worker sent: refused, nothing stored
    name = getattr(task.task_spec, "bpmn_name", None) or task.task_spec.name
    message = "; ".join(p.message for p in added)
    error = DataRefused(f"{message} (step '{name}' was undone; nothing it produced was stored)", task,
                        problems=[{"path": p.path, "code": p.code} for p in added])
    task.reset_branch(None)
    task._set_state(TaskState.ERROR)
    fail(run, error)


def _changed_tasks(workflow: Any, since: float) -> list[Any]:
    """Return the tasks changed since a time, of the instance and of every sub-process its state holds.

    The task dictionaries are read directly: walking the task tree (`get_tasks`) costs as much as
    the rest of the guard, and the state stores every task of these dictionaries.
    """
    return [task for scope in (workflow, *workflow.subprocesses.values()) for task in scope.tasks.values()
            if task.last_state_change >= since]


def _added(task: Any, texts: dict[int, str | None]) -> list[Problem]:
    """Return the problems of a task's data that its parent's data does not have.

    Only the variables the step changed are walked: a step inherits copies of its parent's values and
    a completion changes a handful, so most steps change nothing and cost one comparison of their
    data. A variable whose value is its parent's cannot add a problem of its own; the size of the
    whole is measured again whenever anything changed.
    """
    parent = task.parent.data if task.parent is not None else _NO_DATA
    data = task.data
    if _same(parent, data, texts):
        return []  # the parent's data: nothing added
    changed = {key: value for key, value in data.items() if key not in parent or not _same(parent[key], value, texts)}
    if not changed:
        return []  # the parent's values, or fewer of them: nothing added
    found = _problems(changed, data, texts)
    if not found:
        return []
    inherited = {(p.path, p.code)
                 for p in _problems({key: parent[key] for key in changed if key in parent}, parent, texts)}
    return [p for p in found if (p.path, p.code) not in inherited]


def _same(before: Any, after: Any, texts: dict[int, str | None]) -> bool:
    """Return whether a value is its parent's: equal, of the same type, and (lists, objects) the same JSON.

    `==` alone takes 1 for True or 1.0, which JSON writes (and measures) differently; two texts the same
    give the same shape and size. Texts are kept by object for the whole save (every task's data lives
    until then), so each task's data is written once, as the size check needs it anyway.
    """
    if before is after:
        return True
    try:
        if type(before) is not type(after) or before != after:
            return False
    except Exception:  # an object that cannot compare itself: judged as changed
        return False
    if not isinstance(after, dict | list | tuple):
        return True
    first, second = _text(before, texts), _text(after, texts)
    return first is not None and first == second


def _text(value: Any, texts: dict[int, str | None]) -> str | None:
    if id(value) not in texts:
        try:
            texts[id(value)] = json.dumps(value, separators=(",", ":"), default=str, skipkeys=True)
        except (RecursionError, ValueError):  # nested past Python's stack, or circular: never the same
            texts[id(value)] = None
    return texts[id(value)]


def _problems(values: dict[str, Any], whole: dict[str, Any], texts: dict[int, str | None]) -> list[Problem]:
    """Return the problems of some variables of a task's data: their shape and size, and the size of the whole."""
    text = _text(whole, texts)
    if text is None:  # nested past Python's stack, or circular: the walk names it
        return shape_problems(values)
    found = shape_problems(values)
    limits = data_limits()
    # ASCII-escaped JSON is never shorter than the UTF-8 measure: short data cannot be over a size limit.
    if len(text) > min(limits.variable_bytes, limits.instance_bytes):
        found += size_problems(values, total=False)
        found += [p for p in size_problems(whole) if p.path == "" and p.code == "too_large"]
    return found
