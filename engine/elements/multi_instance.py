"""Camunda 7 multi-instance: a collection read, never written; built-in counters; instances merged by change.

SpiffWorkflow's Camunda multi-instance writes each instance's element variable back into the collection
(a parallel loop over [1, 2, 3] ended with [1, 2, 3, 1, 2, 3]) and copies every instance's variables,
the element variable included, into the process. Camunda evaluates the collection once, gives each
instance local variables (the element variable, `loopCounter`) beside the counters of the loop
(`nrOfInstances`, `nrOfActiveInstances`, `nrOfCompletedInstances`), drops them when the activity ends,
and keeps what an instance set in the process's variables. These task specs do the same: what an
instance changed since it began (dictionaries key by key) is applied to the loop's data when it
completes, in completion order, as the joins do for parallel branches.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.specs.defaults import ParallelMultiInstanceTask, SequentialMultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import SequentialMultiInstanceTask as SequentialMixin
from SpiffWorkflow.util.task import TaskState

from engine.sandbox import LIMITS

#: Variables of the loop itself, visible to the instances and the completion condition, never kept after.
COUNTERS = ("nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances")
LOOP_COUNTER = "loopCounter"


class _CamundaLoop:
    """What the parallel and the sequential loop share; mixed into SpiffWorkflow's MI task specs."""

    collection: str | None
    element_variable: str | None
    cardinality: str | None
    condition: str | None
    task_spec: str

    def _setup(self, collection: str | None, element_variable: str | None, cardinality: str | None,
               condition: str | None) -> None:
        self.collection = collection
        self.element_variable = element_variable
        self.cardinality = cardinality
        self.condition = condition

    def local_names(self) -> set[str]:
        """Return the names that live only inside one instance or the loop."""
        names = {LOOP_COUNTER, *COUNTERS}
        if self.element_variable:
            names.add(self.element_variable)
        return names

    def _items(self, my_task: Any) -> list[Any]:
        """Evaluate the collection (or the cardinality) once, when the loop begins."""
        engine = my_task.workflow.script_engine
        if self.collection:
            value = engine.evaluate(my_task, self.collection)
            if isinstance(value, (Mapping, str, bytes)) or not hasattr(value, "__iter__"):
                raise WorkflowTaskException(
                    f"the multi-instance collection '{self.collection}' is a {type(value).__name__}, not a list",
                    task=my_task)
            items = list(value)
            self._check_cardinality(my_task, len(items), f"the collection '{self.collection}'")
            return items
        count = engine.evaluate(my_task, self.cardinality or "0")
        if isinstance(count, str) and count.strip().isdigit():
            count = int(count)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise WorkflowTaskException(f"the loop cardinality '{self.cardinality}' is {count!r}, not a whole "
                                        "number", task=my_task)
        self._check_cardinality(my_task, count, f"the loop cardinality '{self.cardinality}'")
        return [None] * count

    @staticmethod
    def _check_cardinality(my_task: Any, count: int, what: str) -> None:
        """Refuse (an incident) a loop of more instances than MAX_LOOP_CARDINALITY allows."""
        if count > LIMITS.loop_cardinality:
            raise WorkflowTaskException(f"{what} asks for {count} instances; a multi-instance activity may run "
                                        f"at most {LIMITS.loop_cardinality} (setting MAX_LOOP_CARDINALITY)",
                                        task=my_task)

    def _begin(self, my_task: Any) -> None:
        items = self._items(my_task)
        my_task.internal_data.update(merged=[], items=copy.deepcopy(items), next=0,
                                     base=copy.deepcopy(my_task.data))

    def _counters(self, my_task: Any) -> dict[str, int]:
        instances = [t for t in my_task.children if t.task_spec.name == self.task_spec]
        total = len(my_task.internal_data.get("items", []))
        completed = len(my_task.internal_data.get("merged", []))
        active = len([t for t in instances if not t.has_state(TaskState.FINISHED_MASK)])
        return {"nrOfInstances": total, "nrOfActiveInstances": active, "nrOfCompletedInstances": completed}

    def _create_instance(self, my_task: Any) -> None:
        index = my_task.internal_data["next"]
        my_task.internal_data["next"] = index + 1
        task_spec = my_task.workflow.spec.task_specs[self.task_spec]
        if not task_spec.completed_event.is_connected(self.merge_child):
            task_spec.completed_event.connect(self.merge_child)
        child = my_task._add_child(task_spec, TaskState.WAITING)
        child.triggered = True
        child.internal_data["key_or_index"] = index
        local = {LOOP_COUNTER: index}
        if self.element_variable:
            local[self.element_variable] = copy.deepcopy(my_task.internal_data["items"][index])
        child.data = {**copy.deepcopy(my_task.data), **local}
        # A local variable hides a process variable of the same name (as in Camunda): keep the
        # instance's value out of reach of SpiffWorkflow's inheritance while it updates.
        hidden = {name: my_task.data.pop(name) for name in local if name in my_task.data}
        try:
            counters = self._counters(my_task)
            counters["nrOfActiveInstances"] = self._active_at_start(my_task)
            child.data.update(counters)
            child.task_spec._update(child)
        finally:
            my_task.data.update(hidden)

    def merge_child(self, workflow: Any, child: Any) -> None:
        """Apply what a finished instance changed to the loop's data; finish the loop when it is done."""
        my_task = child.parent
        if str(child.id) in my_task.internal_data.get("merged", []):
            return
        apply_changes(my_task.data, my_task.internal_data.get("base", {}), child.data, self.local_names())
        my_task.internal_data["merged"].append(str(child.id))
        if self._condition_met(my_task, child):
            for instance in [t for t in my_task.children if t.task_spec.name == self.task_spec]:
                if not instance.has_state(TaskState.FINISHED_MASK):
                    instance.cancel()
            my_task._set_state(TaskState.READY)
        else:
            self._after_instance(my_task)

    def _after_instance(self, my_task: Any) -> None:
        raise NotImplementedError

    def _active_at_start(self, my_task: Any) -> int:
        """Return nrOfActiveInstances as an instance beginning now sees it."""
        raise NotImplementedError

    def _condition_met(self, my_task: Any, child: Any) -> bool:
        if not self.condition:
            return False
        context = copy.deepcopy(my_task.data)
        context.update(self._counters(my_task))
        context[LOOP_COUNTER] = child.data.get(LOOP_COUNTER)
        if self.element_variable and self.element_variable in child.data:
            context[self.element_variable] = child.data[self.element_variable]
        try:
            return bool(my_task.workflow.script_engine.environment.evaluate(self.condition, context))
        except Exception as exc:
            raise WorkflowTaskException(f"Error evaluating the completion condition '{self.condition}'",
                                        task=my_task, exception=exc) from exc

    def children_complete(self, my_task: Any) -> bool:
        return len(my_task.internal_data.get("merged", [])) >= len(my_task.internal_data.get("items", []))


def apply_changes(target: dict[str, Any], base: Mapping[str, Any], changed: Mapping[str, Any],
                  skip: set[str] | frozenset[str] = frozenset()) -> None:
    """Apply to target what `changed` changed relative to `base` (set, changed, removed; maps key by key)."""
    for key in set(base) - set(changed) - skip:
        target.pop(key, None)
    for key, value in changed.items():
        if key in skip or (key in base and base[key] == value):
            continue
        old = base.get(key)
        if isinstance(old, dict) and isinstance(value, dict) and isinstance(target.get(key), dict):
            apply_changes(target[key], old, value)
        else:
            target[key] = copy.deepcopy(value)


class CamundaParallelLoop(_CamundaLoop, ParallelMultiInstanceTask):
    """bpmn:multiInstanceLoopCharacteristics isSequential="false" with Camunda's attributes."""

    def __init__(self, wf_spec: Any, bpmn_id: str, task_spec: str, collection: str | None = None,
                 element_variable: str | None = None, cardinality: str | None = None,
                 condition: str | None = None, **kwargs: Any) -> None:
        ParallelMultiInstanceTask.__init__(self, wf_spec, bpmn_id, task_spec, **kwargs)
        self._setup(collection, element_variable, cardinality, condition)

    def create_children(self, my_task: Any) -> None:
        self._begin(my_task)
        for _ in my_task.internal_data["items"]:
            self._create_instance(my_task)

    def _after_instance(self, my_task: Any) -> None:
        if self.children_complete(my_task):
            my_task._set_state(TaskState.READY)

    def _active_at_start(self, my_task: Any) -> int:
        return len(my_task.internal_data["items"])  # all instances begin together


class CamundaSequentialLoop(_CamundaLoop, SequentialMultiInstanceTask):
    """bpmn:multiInstanceLoopCharacteristics isSequential="true" with Camunda's attributes."""

    def __init__(self, wf_spec: Any, bpmn_id: str, task_spec: str, collection: str | None = None,
                 element_variable: str | None = None, cardinality: str | None = None,
                 condition: str | None = None, **kwargs: Any) -> None:
        SequentialMultiInstanceTask.__init__(self, wf_spec, bpmn_id, task_spec, **kwargs)
        self._setup(collection, element_variable, cardinality, condition)

    def _update_hook(self, my_task: Any) -> bool | None:
        # Skip SpiffWorkflow's sequential hook (it reads data references); keep the plain task's (data in).
        super(SequentialMixin, self)._update_hook(my_task)
        self._begin(my_task)
        if self.children_complete(my_task):
            return True
        self._create_instance(my_task)
        my_task._set_state(TaskState.STARTED)
        return None

    def _after_instance(self, my_task: Any) -> None:
        if self.children_complete(my_task):
            my_task._set_state(TaskState.READY)
        else:
            # The next instance begins from the data as the previous ones left it.
            my_task.internal_data["base"] = copy.deepcopy(my_task.data)
            self._create_instance(my_task)

    def _active_at_start(self, my_task: Any) -> int:
        return 1


class CamundaLoopConverter(BpmnTaskSpecConverter):
    """Serialize the Camunda loops (the spec is stored once per version)."""

    def to_dict(self, spec: Any) -> dict[str, Any]:
        dct: dict[str, Any] = self.get_default_attributes(spec)
        dct.update(task_spec=spec.task_spec, collection=spec.collection, element_variable=spec.element_variable,
                   cardinality=spec.cardinality, condition=spec.condition)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> Any:
        return self.task_spec_from_dict(dct)
