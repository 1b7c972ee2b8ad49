"""Joins with Camunda's variable semantics: what one branch changed is not undone by another's old copy.

Camunda keeps one set of variables per instance, so a variable one parallel branch changes stays changed
whatever the other branches do. SpiffWorkflow gives each branch its own copy of the data and, at the join,
lets the branch that arrives last overwrite the others with its copies, also of variables it never
touched: a list updated in one branch (a unit's members after a transfer) came back stale. These joins
combine the branches by what each changed since they split, in the order they finished.
"""

from __future__ import annotations

import copy
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import InclusiveGateway, ParallelGateway
from SpiffWorkflow.util.task import TaskState


class _BranchMerge:
    """Mixin for UnstructuredJoin task specs: merge branch data by change, not by arrival."""

    def _run_hook(self, my_task: Any) -> bool:
        others = [t for t in my_task.workflow.tasks.values()
                  if t.task_spec == self and t.has_state(TaskState.FINISHED_MASK)
                  and not my_task.is_descendant_of(t)]
        ends = sorted([t.parent for t in [*others, my_task] if t.parent is not None],
                      key=lambda t: t.last_state_change)
        result: bool = super()._run_hook(my_task)  # type: ignore[misc]
        if len(ends) > 1:
            my_task.data = merge_branches(ends)
        return result


def merge_branches(ends: list[Any], anchors: list[Any] | None = None) -> dict[str, Any]:
    """Return the data of the branches ending in `ends` (in finishing order) applied to their split's data.

    `anchors`, one per end, are where each branch sits in the split's workflow when an end runs inside a
    sub-process (the sub-process task); by default the ends themselves.
    """
    split = _common_ancestor(anchors or ends)
    base: dict[str, Any] = split.data if split is not None else {}
    data = copy.deepcopy(base)
    for end in ends:
        for key in base.keys() - end.data.keys():  # removed in this branch
            data.pop(key, None)
        for key, value in end.data.items():
            if key not in base or base[key] != value:
                data[key] = copy.deepcopy(value)
    return data


def _common_ancestor(ends: list[Any]) -> Any:
    """Return the nearest task every branch end descends from (the split), or None."""
    candidate = ends[0].parent
    while candidate is not None:
        if all(end is candidate or end.is_descendant_of(candidate) for end in ends[1:]):
            return candidate
        candidate = candidate.parent
    return None


class ParallelJoin(_BranchMerge, ParallelGateway):
    """bpmn:parallelGateway."""


class InclusiveJoin(_BranchMerge, InclusiveGateway):
    """bpmn:inclusiveGateway."""
