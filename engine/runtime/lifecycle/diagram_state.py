"""The state of every drawn element of an instance, per process diagram, for the diagram view.

The workflow is restored once (never saved). Each element of the main process and of every process it
calls is `completed`, `active` (a task open or a sub-process running), `waiting` (a timer, message or
join waiting) or `error`; elements not reached yet are left out. Elements of an embedded sub-process
belong to the diagram of the process that draws it (its drill-down plane), so they count there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import SpecVersion

from . import instances

#: Element states, weakest first: an element reached several times (a loop, a multi-instance) shows
#: the strongest of its task states.
STATES = ("completed", "waiting", "active", "error")
_OF_TASK = {TaskState.COMPLETED: "completed", TaskState.WAITING: "waiting", TaskState.READY: "active",
            TaskState.STARTED: "active", TaskState.ERROR: "error"}


@dataclass
class ProcessDiagram:
    """One process's diagram: its BPMN file's XML and the state of its elements."""

    process_id: str
    name: str
    file: str
    xml: str
    states: dict[str, str] = field(default_factory=dict)


@dataclass
class DiagramState:
    """The diagrams of an instance: the main process first, then every process it can call."""

    instance_id: int
    main: str
    processes: dict[str, ProcessDiagram]

    def as_dict(self, process_id: str | None = None) -> dict[str, Any]:
        """Return one process's diagram (the main one by default), and every process (in flow order) with
        its name and whether it was reached yet."""
        chosen = self.processes.get(process_id or self.main)
        if chosen is None:
            raise NotFound(f"process {process_id} is not part of instance {self.instance_id}",
                           process_id=process_id)
        return {"instance_id": self.instance_id, "main": self.main, "process_id": chosen.process_id,
                "xml": chosen.xml, "states": chosen.states,
                "name": chosen.name,
                "processes": [{"id": pid, "name": p.name, "reached": bool(p.states)}
                              for pid, p in self.processes.items()]}


def diagram_state(session: Session, instance_id: int) -> DiagramState:
    """Restore an instance once and return the state of the elements of each of its process diagrams."""
    run = instances.load(session, instance_id)
    workflow = run.workflow
    files: dict[str, str] = session.execute(select(SpecVersion.files).where(
        SpecVersion.id == run.instance.spec_version_id)).scalar_one()
    specs = {workflow.spec.name: workflow.spec, **workflow.subprocess_specs}
    drawn = _called_processes(workflow.spec.name, specs)
    processes = {pid: ProcessDiagram(pid, str(specs[pid].description or pid), str(specs[pid].file),
                                     files.get(str(specs[pid].file), "")) for pid in drawn}
    for task in workflow.get_tasks():
        state = _OF_TASK.get(task.state)
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if state is None or bpmn_id is None:
            continue
        owner = _drawing_process(task.workflow, drawn)
        if owner is None:
            continue
        states = processes[owner].states
        if bpmn_id not in states or STATES.index(state) > STATES.index(states[bpmn_id]):
            states[bpmn_id] = state
    return DiagramState(instance_id, workflow.spec.name, processes)


def _called_processes(main: str, specs: dict[str, Any]) -> list[str]:
    """Return the main process and every process a call activity (anywhere below) calls, in flow order."""
    found, todo = [main], [main]
    while todo:
        spec = specs.get(todo.pop(0))
        if spec is None:
            continue
        for task_spec in _in_flow_order(spec):
            called = getattr(task_spec, "spec", None) if isinstance(task_spec, CallActivity) else None
            # The engine runs an embedded sub-process as a child workflow named after its own element:
            # drawn inside its parent's diagram, not a diagram of its own.
            if called in specs and called != task_spec.bpmn_id and called not in found:
                found.append(called)
                todo.append(called)
    return found


def _in_flow_order(spec: Any) -> list[Any]:
    """Return a process's task specs as the flow reaches them from its start (breadth first), then the rest."""
    seen: dict[str, Any] = {}
    todo = [spec.start]
    while todo:
        task_spec = todo.pop(0)
        if task_spec.name in seen:
            continue
        seen[task_spec.name] = task_spec
        todo.extend(task_spec.outputs)
    return [*seen.values(), *(t for name, t in spec.task_specs.items() if name not in seen)]


def _drawing_process(workflow: Any, drawn: list[str]) -> str | None:
    """Return the process whose diagram draws a (sub-)workflow's elements: climb out of embedded ones."""
    while workflow is not None:
        if workflow.spec.name in drawn:
            return str(workflow.spec.name)
        workflow = getattr(workflow, "parent_workflow", None)
    return None
