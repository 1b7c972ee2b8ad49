"""Baseline: SpiffWorkflow used directly, each instance kept as full JSON in a dict (no database)."""

from __future__ import annotations

import gc
from time import perf_counter
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.util.task import TaskState

from engine.definitions.serializer import full_serializer
from engine.runtime.running.execution import attach_engine

from .workload import STEPS, Specs, Timing, Workload


def start_one(spec: BpmnProcessSpec, deps: Specs, data: dict[str, Any]) -> BpmnWorkflow:
    """Create a workflow with the sandboxed script engine and the start data; run it to its first task."""
    workflow = BpmnWorkflow(spec, deps)
    attach_engine(workflow)
    workflow.get_next_task(state=TaskState.READY, spec_name="Start").data.update(data)
    workflow.do_engine_steps()
    return workflow


def open_instances(spec: BpmnProcessSpec, deps: Specs, workload: Workload) -> tuple[Timing, dict[int, str]]:
    """Time starting every instance of the workload and serializing it into the store."""
    store: dict[int, str] = {}
    timing = Timing()
    for i, data in enumerate(workload.starts):
        began = perf_counter()
        store[i] = full_serializer.serialize_json(start_one(spec, deps, data))
        timing.samples.append(perf_counter() - began)
    return timing, store


def complete_one(text: str, data: dict[str, Any]) -> str:
    """Load an instance, complete its READY user task with data, run it on and serialize it again."""
    workflow = full_serializer.deserialize_json(text)
    attach_engine(workflow)
    task = workflow.get_next_task(state=TaskState.READY, manual=True)
    if task is None:
        raise RuntimeError("no READY user task in the instance")
    task.set_data(**data)
    task.run()
    workflow.do_engine_steps()
    return str(full_serializer.serialize_json(workflow))


def complete_steps(spec: BpmnProcessSpec, deps: Specs, workload: Workload) -> tuple[Timing, dict[str, Any]]:
    """Time completing all ten steps of every instance, step by step across the instances."""
    _, store = open_instances(spec, deps, workload)  # set-up, not timed
    gc.collect()
    timing = Timing()
    for step in range(STEPS):
        submissions = workload.steps[step]
        for i in range(workload.size):
            began = perf_counter()
            store[i] = complete_one(store[i], submissions[i])
            timing.samples.append(perf_counter() - began)
    return timing, _check(store)


def _check(store: dict[int, str]) -> dict[str, Any]:
    """Return facts about the finished store; raise when an instance did not complete."""
    high = 0
    for i, text in store.items():
        workflow = full_serializer.deserialize_json(text)
        if not workflow.is_completed():
            raise RuntimeError(f"raw instance {i} did not complete")
        high += workflow.data.get("level") == "high"
    sizes = sorted(len(text) for text in store.values())
    return {"completed": len(store), "high": high, "json_bytes_median": sizes[len(sizes) // 2]}
