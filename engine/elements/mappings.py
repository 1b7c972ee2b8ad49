"""Camunda's input/output parameters, python listeners and call activity in/out mappings on task specs.

SpiffWorkflow gives every task its own copy of the data, so "local" means: an activity's input
parameters are set in its data when it is entered (a user task shows them, a script in it reads them,
a sub-process and, through camunda:in, a called process receive them) and are taken out again when it
completes, the value they shadowed coming back. Output parameters are evaluated on the activity's data
at completion; when there are any, they are all that leaves the activity: the data after it is the data
before it plus the outputs. A call activity passes to the called process only what its camunda:in
elements name and takes back only what its camunda:out elements name, as in Camunda. Inline python
listeners run on the same data: start, then a user task's create, after the inputs; complete, then end,
before the outputs.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.util.task import TaskState

#: Where the parser keeps the mappings in task_spec.extensions (serialized with the spec).
IO_KEY = "kinerja.inputOutput"
CALL_KEY = "kinerja.callMappings"
LISTENERS_KEY = "kinerja.listeners"
#: camunda:failedJobRetryTimeCycle as {"times": n, "every": ISO duration} (engine/runtime/running/auto_retry.py).
RETRY_KEY = "kinerja.retryCycle"


class MappedTask:
    """Mixin for task specs with camunda:inputOutput, python listeners and, on call activities, camunda:in/out."""

    extensions: dict[str, Any]

    def _update_hook(self, my_task: Any) -> Any:
        result = super()._update_hook(my_task)  # type: ignore[misc]
        self._enter(my_task)  # a sub-process has already entered, in copy_data
        return result

    def copy_data(self, my_task: Any, subworkflow: Any) -> None:
        self._enter(my_task)
        calls = self.extensions.get(CALL_KEY)
        if calls is None:
            super().copy_data(my_task, subworkflow)  # type: ignore[misc]
            return
        start = subworkflow.get_next_task(subworkflow.task_tree, skip_subprocesses=True, spec_name="Start")
        start.set_data(**_passed(my_task, my_task.data, calls["in"], self._input_names(), "camunda:in"))

    def update_data(self, my_task: Any, subworkflow: Any) -> None:
        calls = self.extensions.get(CALL_KEY)
        if calls is None:
            super().update_data(my_task, subworkflow)  # type: ignore[misc]
            return
        returned = subworkflow.last_task.data
        my_task.data.update(_passed(my_task, returned, calls["out"], set(returned), "camunda:out"))

    def _on_complete_hook(self, my_task: Any) -> None:
        self._leave(my_task)
        super()._on_complete_hook(my_task)  # type: ignore[misc]

    def _input_names(self) -> set[str]:
        return {name for name, _ in (self.extensions.get(IO_KEY) or {}).get("inputs", [])}

    def _enter(self, my_task: Any) -> None:
        mapping = self.extensions.get(IO_KEY)
        listeners = self.extensions.get(LISTENERS_KEY) or {}
        if (not mapping and not listeners) or my_task.internal_data.get("io_entered"):
            return
        with _failing_marks_error(my_task):
            if mapping:
                self._set_inputs(my_task, mapping)
            # As in Camunda, start listeners see the input parameters; a user task is created after.
            for event in ("start", "create"):
                _run_listeners(my_task, listeners.get(event, []), event)
        my_task.internal_data["io_entered"] = True

    def _set_inputs(self, my_task: Any, mapping: dict[str, Any]) -> None:
        data = my_task.data
        if mapping["outputs"]:
            my_task.internal_data["io_before"] = copy.deepcopy(data)
        names = [name for name, _ in mapping["inputs"]]
        my_task.internal_data["io_shadowed"] = {name: copy.deepcopy(data[name]) for name in names if name in data}
        my_task.internal_data["io_inputs"] = names
        for name, value in mapping["inputs"]:
            # Each input sees the ones before it, as Camunda resolves them in the activity's scope.
            data[name] = value_of(my_task, value, f"input parameter '{name}'")

    def _leave(self, my_task: Any) -> None:
        mapping = self.extensions.get(IO_KEY)
        listeners = self.extensions.get(LISTENERS_KEY) or {}
        internal = my_task.internal_data
        internal.pop("io_entered", None)
        if not mapping and not listeners:
            return
        with _failing_marks_error(my_task):
            # End listeners still see the activity's local variables; what they set can be mapped out.
            for event in ("complete", "end"):
                _run_listeners(my_task, listeners.get(event, []), event)
            outputs = {name: value_of(my_task, value, f"output parameter '{name}'")
                       for name, value in (mapping or {}).get("outputs", [])}
        if not mapping:
            return
        if "io_before" in internal:
            data = internal.pop("io_before")
        else:
            data = my_task.data
            for name in internal.get("io_inputs", []):
                data.pop(name, None)
            data.update(internal.get("io_shadowed", {}))
        data.update(outputs)
        my_task.data = data
        for key in ("io_shadowed", "io_inputs"):
            internal.pop(key, None)


def _run_listeners(my_task: Any, scripts: list[str], event: str) -> None:
    """Run a listener event's python scripts on the task's data, in the order the file lists them."""
    kind = "task" if event in ("create", "complete") else "execution"
    for script in scripts:
        try:
            my_task.workflow.script_engine.environment.execute(script, my_task.data)
        except Exception as error:
            name = my_task.task_spec.bpmn_name or my_task.task_spec.bpmn_id
            raise WorkflowTaskException(f"{kind} listener on '{event}' of {name}: {error}", task=my_task,
                                        exception=error) from error


@contextmanager
def _failing_marks_error(my_task: Any) -> Iterator[None]:
    """Leave the task in ERROR when a mapping fails, so retry runs it again from its parent's data."""
    try:
        yield
    except Exception:
        my_task._set_state(TaskState.ERROR)
        raise


def _passed(my_task: Any, data: dict[str, Any], items: list[dict[str, Any]], local_names: set[str],
            what: str) -> dict[str, Any]:
    """Return the variables a list of camunda:in (or out) items passes from data."""
    passed: dict[str, Any] = {}
    for item in items:
        if item.get("all"):
            names = local_names if item["local"] else set(data)
            passed.update({name: copy.deepcopy(data[name]) for name in names if name in data})
        elif item["local"] and item.get("source") and item["source"] not in local_names:
            passed[item["target"]] = None
        elif "expr" in item:
            passed[item["target"]] = value_of(my_task, {"expr": item["expr"]}, f"{what} {item['target']}",
                                              data)
        else:
            # A missing source variable arrives as null, as in Camunda.
            passed[item["target"]] = copy.deepcopy(data.get(item["source"]))
    return passed


def value_of(my_task: Any, value: dict[str, Any], what: str, data: dict[str, Any] | None = None) -> Any:
    """Return the value of a parsed mapping value over the task data (or the given data)."""
    scope = my_task.data if data is None else data
    try:
        if "list" in value:
            return [value_of(my_task, item, what, scope) for item in value["list"]]
        if "map" in value:
            return {key: value_of(my_task, item, what, scope) for key, item in value["map"]}
        environment = my_task.workflow.script_engine.environment
        if "script" in value:
            scope = copy.deepcopy(scope)  # the script's own variables stay inside it
            if value["script"].strip():
                environment.execute(value["script"], scope)
        return environment.evaluate(value["expr"], scope)
    except WorkflowTaskException:
        raise
    except Exception as error:
        raise WorkflowTaskException(f"{what} of {my_task.task_spec.bpmn_name or my_task.task_spec.bpmn_id}: "
                                    f"{error}", task=my_task, exception=error) from error


_MAPPED: dict[type, type] = {}


def mapped_class(base: type) -> type:
    """Return the subclass of a task spec class that runs the mappings (one per base class)."""
    if issubclass(base, MappedTask):
        return base
    if base not in _MAPPED:
        _MAPPED[base] = type(f"Mapped{base.__name__}", (MappedTask, base), {"__doc__": MappedTask.__doc__})
    return _MAPPED[base]


def mapped_converters(config: dict[Any, Any]) -> dict[Any, Any]:
    """Return serializer entries for the mapped variant of every task spec class in a config."""
    return {mapped_class(cls): converter for cls, converter in list(config.items())
            if isinstance(cls, type) and issubclass(cls, TaskSpec) and not issubclass(cls, MappedTask)}
