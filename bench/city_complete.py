"""Completing the SKP review on the real bpmn/: Kinerja's `tasks.complete` against lean raw SpiffWorkflow.

Both sides start from a cycle opened by Kinerja on their own fresh database (same org, same specs,
not timed), so the SKP rows the script functions read belong to real instance ids on both. Then, step
by step across the first `cycles` employees: *Susun SKP* (the plan), *Tinjau SKP* (the appraiser
agrees, with expectations), *Tandatangani SKP* (the employee signs).
Kinerja: a session per completion, `tasks.complete` by the task's assignee, commit (a web request).
Raw: the state-only JSON of every instance read once (not timed), then per completion `load_state`
on the cached spec, the same sandboxed script engine inside the same script context (session and
instance id), the cleaned form data Kinerja's form check produced (recorded, not timed) on the READY
task, `run`, `do_engine_steps` (again while an automatic task is READY), `dump_state` into a dict
and a commit for what the script functions wrote. No row lock, form check, inbox or audit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.context import RunContext, running
from engine.definitions.serializer import dump_state, load_state
from engine.definitions.specs import spec_of
from engine.forms import custom as custom_forms
from engine.models import HumanTask, Instance, SpecVersion
from engine.runtime import tasks
from engine.runtime.execution import attach_engine
from workflows.models.org import Employee, Position

from .kinerja import Factory
from .workload import Timing

#: The SKP review, in order, with the submission of each step.
STEPS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Task_susun_skp", {"skp": {"rhk": [{"uraian": "Layanan administrasi kependudukan", "target": 100},
                                        {"uraian": "Pengelolaan arsip unit", "target": 95}]}}),
    ("Task_tinjau_skp", {"keputusan_skp": "setuju", "ekspektasi_pimpinan": {
        "berorientasi_pelayanan": "Antrean layanan selesai sebelum pukul 14.00",
        "kolaboratif": "Berbagi data dengan unit lain tiap pekan"}}),
    ("Task_tandatangani_skp", {"setuju_pegawai_skp": True}),
)
Cleaned = dict[tuple[str, str], dict[str, Any]]


@contextmanager
def recording(cleaned: Cleaned, keys: dict[int, str], step: str) -> Iterator[None]:
    """Record the cleaned submission of every completion, by (business key, step), for the raw side."""
    original = custom_forms.clean_submission

    def clean(session: Any, form: dict[str, Any], instance_id: int, data: dict[str, Any]) -> dict[str, Any]:
        result = original(session, form, instance_id, data)
        cleaned[(keys[instance_id], step)] = result
        return result

    custom_forms.clean_submission = clean
    try:
        yield
    finally:
        custom_forms.clean_submission = original


def chosen_cycles(factory: Factory, cycles: int) -> dict[int, str]:
    """Return {instance id: business key} of the first `cycles` staff cycles (pelaksana, fungsional).

    Staff are most of a city; their appraiser is a seksi head who holds the position, so every step
    has a single assignee (the Sekda's, say, goes to the Wali Kota's group and must be claimed first).
    """
    with factory() as session:
        staff = set(session.execute(select(Employee.nip).join(Employee.position).where(
            Position.kind.in_(("pelaksana", "fungsional")))).scalars())
        rows = session.execute(select(Instance.id, Instance.business_key).where(
            Instance.process_id == "siklus_kinerja").order_by(Instance.business_key)).all()
    chosen = [(i, key) for i, key in rows if key.rsplit(":", 1)[-1] in staff][:cycles]
    if len(chosen) < cycles:
        raise SystemExit(f"only {len(chosen)} staff cycles: generate more employees or ask for fewer cycles")
    return dict(chosen)


def run_kinerja(factory: Factory, cycles: int) -> tuple[Timing, Cleaned, dict[str, int]]:
    """Time tasks.complete + commit for every step of the chosen cycles; return timings and cleaned data."""
    keys = chosen_cycles(factory, cycles)
    cleaned: Cleaned = {}
    timing = Timing()
    gc.collect()
    for step, data in STEPS:
        with factory() as session:  # outside the timing
            open_rows = session.execute(select(HumanTask.id, HumanTask.assignee).where(
                HumanTask.instance_id.in_(list(keys)), HumanTask.bpmn_id == step,
                HumanTask.state == "open").order_by(HumanTask.instance_id)).all()
        if len(open_rows) != len(keys):
            raise RuntimeError(f"{step}: {len(open_rows)} open tasks for {len(keys)} cycles")
        with recording(cleaned, keys, step):
            for task_id, assignee in open_rows:
                began = perf_counter()
                with factory() as session:
                    tasks.complete(session, task_id, str(assignee), data)
                    session.commit()
                timing.samples.append(perf_counter() - began)
    return timing, cleaned, _next_tasks(factory, list(keys))


def _next_tasks(factory: Factory, ids: list[int]) -> dict[str, int]:
    """Return {bpmn id: count} of the chosen cycles' open tasks after the review."""
    with factory() as session:
        names = session.execute(select(HumanTask.bpmn_id).where(
            HumanTask.instance_id.in_(ids), HumanTask.state == "open")).scalars().all()
        statuses = session.execute(select(Instance.status).where(Instance.id.in_(ids))).scalars().all()
    found = {name: names.count(name) for name in sorted(set(names))}
    return {**found, **{f"status {s}": statuses.count(s) for s in sorted(set(statuses))}}


def run_raw(factory: Factory, cycles: int, cleaned: Cleaned) -> tuple[Timing, dict[str, int], list[int]]:
    """Time lean raw completions of the same steps with the same cleaned data; return timings and checks."""
    keys = chosen_cycles(factory, cycles)
    with factory() as session:  # read once, outside the timing: the raw store
        rows = session.execute(select(Instance.id, Instance.state, Instance.serializer_version,
                                      SpecVersion.id, SpecVersion.sha256).join(
            SpecVersion, SpecVersion.id == Instance.spec_version_id).where(Instance.id.in_(list(keys)))).all()
    store = {row[0]: row[1] for row in rows}
    meta = {row[0]: (row[2], row[3], row[4]) for row in rows}
    timing = Timing()
    gc.collect()
    for step, _ in STEPS:
        for instance_id, key in keys.items():
            version, spec_id, sha = meta[instance_id]
            began = perf_counter()
            with factory() as session:
                spec, deps = spec_of(session, spec_id, sha)
                workflow = load_state(store[instance_id], version, spec, deps)
                attach_engine(workflow)
                task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                            if t.task_spec.bpmn_id == step)
                context = RunContext(session, instance_id, "siklus_kinerja", key, "bench",
                                     lambda *a, **k: None)
                with running(context):
                    task.set_data(**cleaned[(key, step)])
                    task.run()
                    workflow.do_engine_steps()
                    while workflow.get_next_task(state=TaskState.READY, manual=False) is not None:
                        workflow.do_engine_steps()
                store[instance_id] = dump_state(workflow)
                session.commit()
            timing.samples.append(perf_counter() - began)
    names: list[str] = []
    sizes = []
    for instance_id in keys:
        version, spec_id, sha = meta[instance_id]
        with factory() as session:
            spec, deps = spec_of(session, spec_id, sha)
        workflow = load_state(store[instance_id], version, spec, deps)
        names.extend(t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY, manual=True))
        names.append("status " + ("completed" if workflow.is_completed() else "waiting"))
        sizes.append(len(store[instance_id]))
    return timing, {name: names.count(name) for name in sorted(set(names))}, sizes


def kinerja_sizes(factory: Factory, cycles: int) -> list[int]:
    """Return the stored state sizes of the chosen cycles."""
    keys = chosen_cycles(factory, cycles)
    with factory() as session:
        return [len(s) for s in session.execute(select(Instance.state).where(Instance.id.in_(list(keys)))).scalars()]
