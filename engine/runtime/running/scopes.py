"""Embedded sub-processes seen as a modeller sees them: part of the process that draws them."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import EventSubprocess, SubWorkflowTask


def embedding_task(task: Any) -> Any:
    """Return the embedded sub-process task a task runs inside, or None (top level, called process, event
    sub-process).

    SpiffWorkflow runs an embedded sub-process as a child workflow named after the sub-process element
    (the Camunda parser even gives it the call-activity class); a call activity names the process it calls.
    """
    workflow = task.workflow
    if workflow.parent_task_id is None:
        return None
    parent = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
    spec = parent.task_spec
    embedded = isinstance(spec, SubWorkflowTask) and not isinstance(spec, EventSubprocess) \
        and spec.spec == spec.bpmn_id
    return parent if embedded else None


def scope_task(task: Any) -> Any:
    """Return the task that stands for `task` in the process drawing it: itself, or its outermost
    embedded sub-process task."""
    while (parent := embedding_task(task)) is not None:
        task = parent
    return task


def process_id_of(task: Any) -> str:
    """Return the id of the process that draws the task: an embedded sub-process is part of its parent."""
    return str(scope_task(task).workflow.spec.name)
