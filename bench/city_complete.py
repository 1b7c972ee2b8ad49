"""Completing the SKP review on the real bpmn/: Kinerja's `tasks.complete` against lean raw SpiffWorkflow.

Both sides start from a cycle opened by Kinerja on their own fresh database (same org, same specs,
not timed), so the SKP rows the script functions read belong to real instance ids on both. Then, step
by step across the first `cycles` employees: *Susun SKP* (the plan), *Tinjau SKP* (the appraiser
agrees, with expectations), *Tandatangani SKP* (the employee signs).
Kinerja: a session per completion, `tasks.complete` by the task's assignee, commit (a web request).
Raw: the state-only JSON of every instance read once (not timed), then per completion `load_state`
on the cached spec, the same sandboxed script engine inside the same script context (session and
instance id), the cleaned form data Kinerja's form check produced (recorded, not timed) on the READY
task, `run`, `do_engine_steps` (again while an automatic task is READY), the library's own state-only
JSON (`dump_plain_state`; Kinerja's stored states are turned into it once, not timed) into a dict
and a commit for what the script functions wrote. No row lock, form check, inbox or audit.
"""

from __future__ import annotations

import cProfile
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from time import perf_counter
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.context import RunContext, running
from engine.definitions.serializer import LIBRARY_STATE_VERSION, dump_plain_state, load_state
from engine.definitions.specs import spec_of
from engine.forms import custom as custom_forms
from engine.models import HumanTask, Instance, SpecVersion
from engine.runtime.events import timers
from engine.runtime.human_tasks import tasks
from engine.runtime.running.execution import attach_engine
from workflows.models.org import Employee, Position
from workflows.planning.skp import skp_of_instance

from .kinerja import Factory
from .workload import Timing

#: The SKP review, in order, with the submission of each step.
REVIEW: tuple[tuple[str, Any], ...] = (
    ("Task_susun_skp", {"skp": {"rhk": [{"uraian": "Layanan administrasi kependudukan", "target": 100},
                                        {"uraian": "Pengelolaan arsip unit", "target": 95}]}}),
    ("Task_tinjau_skp", {"keputusan_skp": "setuju", "ekspektasi_pimpinan": {
        "berorientasi_pelayanan": "Antrean layanan selesai sebelum pukul 14.00",
        "kolaboratif": "Berbagi data dengan unit lain tiap pekan"}}),
    ("Task_tandatangani_skp", {"setuju_pegawai_skp": True}),
)


def realisation(session: Session, instance_id: int) -> dict[str, Any]:
    """Return a realisasi_editor answer: a value and an evidence link for every IKI of the instance's SKP."""
    found = skp_of_instance(session, instance_id)
    assert found is not None
    return {"realisasi": [{"iki_id": iki.id, "nilai": 25, "bukti_dukung": f"https://arsip.example/bukti/{iki.id}.pdf"}
                          for rhk in found.rhk for iki in rhk.iki]}


#: The first monitoring period, once its timer fired: the realisation, the appraiser's feedback, the
#: periodic rating (a step whose task is not open in every chosen cycle is left out and said so).
MONITORING: tuple[tuple[str, Any], ...] = (
    ("Task_catat_realisasi", realisation),
    ("Task_beri_umpan_balik", {"umpan_balik": "Sesuai rencana.", "perlu_bimbingan": False}),
    ("Task_evaluasi_periodik", {"hasil_kerja": "sesuai", "perilaku": "sesuai"}),
)
PHASES = (REVIEW, MONITORING)
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


@dataclass
class Outcome:
    """One side's result: a timing per phase, the steps done, checks, state sizes, and when timers fired."""

    timings: list[Timing] = field(default_factory=list)
    per_step: dict[str, Timing] = field(default_factory=dict)
    steps: list[list[str]] = field(default_factory=list)
    after: dict[str, int] = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)
    fired_at: list[datetime] = field(default_factory=list)


def run_kinerja(factory: Factory, cycles: int, profiler: cProfile.Profile | None = None) -> tuple[Outcome, Cleaned]:
    """Time tasks.complete + commit for every step of the chosen cycles; fire the timers between phases."""
    keys = chosen_cycles(factory, cycles)
    cleaned: Cleaned = {}
    out = Outcome()
    for number, phase in enumerate(PHASES):
        if number:
            out.fired_at.append(_fire_kinerja(factory, list(keys)))
        timing, done = Timing(), []
        gc.collect()
        for step, data in phase:
            with factory() as session:  # outside the timing
                open_rows = session.execute(select(HumanTask.id, HumanTask.assignee, HumanTask.instance_id).where(
                    HumanTask.instance_id.in_(list(keys)), HumanTask.bpmn_id == step,
                    HumanTask.state == "open").order_by(HumanTask.instance_id)).all()
                given = {row[2]: data(session, row[2]) if callable(data) else data for row in open_rows}
            if len(open_rows) != len(keys):
                if not open_rows and step == phase[-1][0]:
                    continue  # the optional last step of a phase
                raise RuntimeError(f"{step}: {len(open_rows)} open tasks for {len(keys)} cycles")
            done.append(step)
            with recording(cleaned, keys, step):
                for task_id, assignee, instance_id in open_rows:
                    if profiler:
                        profiler.enable()
                    began = perf_counter()
                    with factory() as session:
                        tasks.complete(session, task_id, str(assignee), given[instance_id])
                        session.commit()
                    timing.samples.append(perf_counter() - began)
                    if profiler:
                        profiler.disable()
                    out.per_step.setdefault(step, Timing()).samples.append(timing.samples[-1])
        out.timings.append(timing)
        out.steps.append(done)
    out.after = _next_tasks(factory, list(keys))
    with factory() as session:
        out.sizes = [len(s) for s in session.execute(select(Instance.state).where(
            Instance.id.in_(list(keys)))).scalars()]
    return out, cleaned


def _fire_kinerja(factory: Factory, ids: list[int]) -> datetime:
    """Move the clock past the chosen cycles' next timer and fire it, as the worker does (not timed)."""
    with factory() as session:
        due = max(t for t in session.execute(select(Instance.next_timer_at).where(
            Instance.id.in_(ids))).scalars() if t is not None)
        now = due.replace(tzinfo=UTC) + timedelta(seconds=1)
        clock.set(now)
        for instance_id in ids:
            timers.fire_due(session, instance_id, now)
            session.commit()
    return now


def _next_tasks(factory: Factory, ids: list[int]) -> dict[str, int]:
    """Return {bpmn id: count} of the chosen cycles' open tasks and their statuses."""
    with factory() as session:
        names = session.execute(select(HumanTask.bpmn_id).where(
            HumanTask.instance_id.in_(ids), HumanTask.state == "open")).scalars().all()
        statuses = session.execute(select(Instance.status).where(Instance.id.in_(ids))).scalars().all()
    found = {name: names.count(name) for name in sorted(set(names))}
    return {**found, **{f"status {s}": statuses.count(s) for s in sorted(set(statuses))}}


class _RawStore:
    """The raw side's instances: state-only JSON in a dict, restored onto the cached spec."""

    def __init__(self, factory: Factory, keys: dict[int, str]) -> None:
        with factory() as session:  # read once, outside the timing
            rows = session.execute(select(Instance.id, Instance.state, Instance.serializer_version,
                                          SpecVersion.id, SpecVersion.sha256).join(
                SpecVersion, SpecVersion.id == Instance.spec_version_id).where(Instance.id.in_(list(keys)))).all()
        self.keys = keys
        self.text = {row[0]: row[1] for row in rows}
        self.meta = {row[0]: (row[2], row[3], row[4]) for row in rows}
        with factory() as session:  # the library's own JSON from here on (Kinerja stores a packed form)
            for instance_id in self.text:
                self.text[instance_id] = dump_plain_state(self.load(session, instance_id))
                self.meta[instance_id] = (LIBRARY_STATE_VERSION, *self.meta[instance_id][1:])

    def load(self, session: Session, instance_id: int) -> BpmnWorkflow:
        version, spec_id, sha = self.meta[instance_id]
        spec, deps = spec_of(session, spec_id, sha)
        workflow = load_state(self.text[instance_id], version, spec, deps)
        attach_engine(workflow)
        return workflow

    def step(self, session: Session, instance_id: int, change: Callable[[BpmnWorkflow], None]) -> None:
        """Restore, apply change and run on inside the script context, dump, commit."""
        workflow = self.load(session, instance_id)
        context = RunContext(session, instance_id, "siklus_kinerja", self.keys[instance_id], "bench",
                             lambda *a, **k: None)
        with running(context):
            change(workflow)
            workflow.do_engine_steps()
            while workflow.get_next_task(state=TaskState.READY, manual=False) is not None:
                workflow.do_engine_steps()
        self.text[instance_id] = dump_plain_state(workflow)
        session.commit()


def run_raw(factory: Factory, cycles: int, cleaned: Cleaned, kinerja: Outcome) -> Outcome:
    """Time lean raw completions of the same steps with the same cleaned data; fire timers at the same times."""
    keys = chosen_cycles(factory, cycles)
    store = _RawStore(factory, keys)
    out = Outcome()
    for number, steps in enumerate(kinerja.steps):
        if number:
            clock.set(kinerja.fired_at[number - 1])
            with factory() as session:
                for instance_id in keys:
                    store.step(session, instance_id, lambda workflow: workflow.refresh_timers())
        timing = Timing()
        gc.collect()
        for step in steps:
            for instance_id, key in keys.items():

                def complete(workflow: BpmnWorkflow, step: str = step, key: str = key) -> None:
                    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                                if t.task_spec.bpmn_id == step)
                    task.set_data(**cleaned[(key, step)])
                    task.run()

                began = perf_counter()
                with factory() as session:
                    store.step(session, instance_id, complete)
                timing.samples.append(perf_counter() - began)
                out.per_step.setdefault(step, Timing()).samples.append(timing.samples[-1])
        out.timings.append(timing)
        out.steps.append(steps)
    names: list[str] = []
    with factory() as session:
        for instance_id in keys:
            workflow = store.load(session, instance_id)
            names.extend(t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY, manual=True))
            names.append("status " + ("completed" if workflow.is_completed() else "waiting"))
    out.after = {name: names.count(name) for name in sorted(set(names))}
    out.sizes = [len(text) for text in store.text.values()]
    return out
