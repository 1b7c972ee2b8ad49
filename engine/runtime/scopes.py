"""The process a task belongs to, as a modeller sees it."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, EventSubprocess, SubWorkflowTask


def process_id_of(task: Any) -> str:
    """Return the id of the process that draws the task: an embedded sub-process is part of its parent.

    SpiffWorkflow runs an embedded sub-process as a child workflow named after the sub-process element,
    but a collapsed sub-process is only a drawing aid; a called process (call activity) stays its own.
    Event sub-processes keep their own scope as before.
    """
    workflow = task.workflow
    while workflow.parent_task_id is not None:
        parent = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        spec = parent.task_spec
        if not isinstance(spec, SubWorkflowTask) or isinstance(spec, (CallActivity, EventSubprocess)):
            break
        workflow = parent.workflow
    return str(workflow.spec.name)
