"""The tasks an instance keeps rows of, found in one walk: READY user tasks and started external tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.elements.service_tasks import ExternalServiceTask


@dataclass
class OpenTasks:
    """{task id: task} of the READY manual tasks (open human_task rows) and the STARTED external tasks."""

    ready: dict[str, Any] = field(default_factory=dict)
    started: dict[str, Any] = field(default_factory=dict)


def find_open(workflow: BpmnWorkflow) -> OpenTasks:
    """Return a workflow's open tasks, in the order `get_tasks` gives them.

    One walk of the task tree for both kinds: a walk visits every task of the instance, and every
    restore and every save needs both.
    """
    found = OpenTasks()
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.STARTED):
        if task.state == TaskState.READY:
            if task.task_spec.manual:
                found.ready[str(task.id)] = task
        elif isinstance(task.task_spec, ExternalServiceTask):
            found.started[str(task.id)] = task
    return found
