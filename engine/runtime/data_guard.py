"""Data a run would store beyond the limits of `engine.data_limits`: an incident at the step, or a refusal.

Checked when a run is saved, on the data of the tasks that changed in the run only (a completion touches a
handful), so the cost does not grow with the instance. The step that brought the bad value in is found by
comparing each changed task with its parent:

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


def _hold_back(run: Run, fail: Callable[[Run, Exception], None]) -> None:
    cache: dict[str, list[Problem]] = {}
    culprits = []
    for task in run.workflow.get_tasks(updated_ts=run.started):
        found = _problems(task.data, cache)
        if not found:
            continue
        inherited = {(p.path, p.code) for p in _problems(task.parent.data, cache)} if task.parent else set()
        added = [p for p in found if (p.path, p.code) not in inherited]
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


def _problems(data: dict[str, Any], cache: dict[str, list[Problem]]) -> list[Problem]:
    """Return the problems of one task's data; identical data (inherited by the next steps) is judged once."""
    try:
        text = json.dumps(data, separators=(",", ":"), default=str, skipkeys=True)
    except (RecursionError, ValueError):  # nested past Python's stack, or circular: the walk names it
        return shape_problems(data)
    if text not in cache:
        limits = data_limits()
        # ASCII-escaped JSON is never shorter than the UTF-8 measure: short data cannot be over a size limit.
        sized = size_problems(data) if len(text) > min(limits.variable_bytes, limits.instance_bytes) else []
        cache[text] = shape_problems(data) + sized
    return cache[text]
