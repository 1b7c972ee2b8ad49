"""The process a task belongs to, as a modeller sees it."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import EventSubprocess, SubWorkflowTask


def process_id_of(task: Any) -> str:
    """Return the id of the process that draws the task: an embedded sub-process is part of its parent.

    SpiffWorkflow runs an embedded sub-process as a child workflow named after the sub-process element
    (the Camunda parser even gives it the call-activity class), but a collapsed sub-process is only a
    drawing aid; a called process stays its own, and an event sub-process keeps its scope as before.
    """
    workflow = task.workflow
    while workflow.parent_task_id is not None:
        spec = workflow.top_workflow.get_task_from_id(workflow.parent_task_id).task_spec
        embedded = isinstance(spec, SubWorkflowTask) and not isinstance(spec, EventSubprocess) \
            and spec.spec == spec.bpmn_id  # a call activity names the process it calls
        if not embedded:
            break
        workflow = workflow.parent_workflow
    return str(workflow.spec.name)
