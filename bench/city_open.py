"""Opening a cycle on a generated city with the real bpmn/: Kinerja's `open_cycle` against lean raw SpiffWorkflow.

Kinerja: a fresh database, the generated org CSV imported, bpmn/ deployed (not timed), then
`workflows.cycle.cycles.open_cycle` committing each batch (as `kinerja cycle open`). Every `start_many`
batch it makes is recorded (process, business keys, start data).
Raw: a second fresh database with the same org and specs (the registered script functions read and
write it, so they answer the same), then for every recorded batch: `BpmnWorkflow` on the spec parsed
once (the engine's cache), the same sandboxed script engine, the start data, `do_engine_steps` (again
while an automatic task is READY) inside the same script context, the library's own state-only JSON
(`dump_plain_state`: SpiffWorkflow's serializer output without the spec) into a dict,
and a commit per batch for the rows the script functions wrote. No instance rows, inbox, audit,
messages between instances or calibration membership.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine.clock import clock
from engine.context import RunContext, running
from engine.definitions import specs
from engine.definitions.serializer import dump_plain_state
from engine.definitions.specs import spec_of
from engine.definitions.validation import read_paths
from engine.models import AuditEvent, HumanTask, Instance, SpecVersion
from engine.runtime.human_tasks.assignment import set_resolver
from engine.runtime.lifecycle import instances
from engine.runtime.running.execution import attach_engine
from workflows.appraisals import forms as appraisal_forms
from workflows.cycle.cycles import CycleSettings, open_cycle
from workflows.organisation.lanes import LaneResolver
from workflows.organisation.org import OrgSettings
from workflows.organisation.org_import import ImportRefused, import_org
from workflows.script_functions import register_all

from . import org_gen
from .kinerja import Factory, database

BPMN_DIR = Path(__file__).resolve().parents[1] / "bpmn"
#: The demo's "today" (first working Monday of 2027): the 2027 cycle opens on time.
T0 = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
YEAR = 2027
ACTOR = "bench"


@dataclass
class Batch:
    """One `start_many` call of the Kinerja run: what the raw side starts the same way."""

    process_id: str
    items: list[tuple[str, dict[str, Any]]]


@dataclass
class Side:
    """One side's outcome: seconds, instances, stored state bytes per process, READY task names."""

    seconds: float = 0.0
    instances: int = 0
    state_bytes: dict[str, list[int]] = field(default_factory=dict)
    ready: dict[str, list[str]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def prepare(factory: Factory, csv_data: bytes) -> None:
    """Import the org CSV and deploy bpmn/ (not timed)."""
    configure()
    with factory() as session:
        try:
            import_org(session, csv_data, actor=ACTOR, file="city.csv")
        except ImportRefused as exc:
            raise SystemExit(f"generated org CSV refused: {[p.to_dict() for p in exc.problems[:3]]}") from exc
        specs.deploy(session, read_paths([str(BPMN_DIR)]), ACTOR, strict=True)
        session.commit()


def configure() -> None:
    """Set up the engine as the web app and CLI do (webui.create_app): lanes, script functions, forms."""
    set_resolver(LaneResolver(settings=OrgSettings()))
    register_all()
    appraisal_forms.register_all()


@contextmanager
def recording(batches: list[Batch]) -> Iterator[None]:
    """Record every instances.start_many call open_cycle makes (the patch costs one append per batch)."""
    original = instances.start_many

    def start_many(session: Any, spec_version: SpecVersion, items: Any, *args: Any, **kwargs: Any) -> Any:
        batches.append(Batch(spec_version.process_id, [(key, dict(data or {})) for key, data in items]))
        return original(session, spec_version, items, *args, **kwargs)

    instances.start_many = start_many
    try:
        yield
    finally:
        instances.start_many = original


def run_kinerja(factory: Factory, profiler: cProfile.Profile | None) -> tuple[Side, list[Batch]]:
    """Time open_cycle on the prepared database; return the outcome and the batches it started."""
    side, batches = Side(), list[Batch]()
    with factory() as session, recording(batches):
        if profiler:
            profiler.enable()
        began = perf_counter()
        summary = open_cycle(session, YEAR, None, actor=ACTOR, settings=CycleSettings(), commit=session.commit)
        side.seconds = perf_counter() - began
        if profiler:
            profiler.disable()
    with factory() as session:
        for process_id, state in session.execute(select(Instance.process_id, Instance.state)):
            side.state_bytes.setdefault(process_id, []).append(len(state))
        for process_id, name in session.execute(select(Instance.process_id, HumanTask.bpmn_id).join(
                Instance, Instance.id == HumanTask.instance_id).where(HumanTask.state == "open")):
            side.ready.setdefault(process_id, []).append(name)
        side.facts["audit_events"] = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        side.facts["errors"] = session.execute(select(func.count()).select_from(Instance).where(
            Instance.status == "error")).scalar_one()
    side.instances = sum(len(v) for v in side.state_bytes.values())
    side.facts["started"] = {kind: len(result.started) for kind, result in summary.kinds.items()}
    side.facts["problems"] = sum(len(result.problems) for result in summary.kinds.values())
    return side, batches


def run_raw(factory: Factory, batches: list[Batch]) -> Side:
    """Time lean raw SpiffWorkflow starting the same batches with the same start data and script context."""
    side, store = Side(), {}
    notes: list[tuple[Any, ...]] = []
    with factory() as session:
        versions = {v.process_id: v for v in session.execute(select(SpecVersion)).scalars()}
        began = perf_counter()
        for batch in batches:
            version = versions[batch.process_id]
            spec, deps = spec_of(session, version.id, version.sha256)
            for key, data in batch.items:
                workflow = BpmnWorkflow(spec, deps)
                attach_engine(workflow)
                workflow.get_next_task(state=TaskState.READY, spec_name="Start").data.update(data)
                context = RunContext(session, None, batch.process_id, key, ACTOR,  # type: ignore[arg-type]
                                     lambda *a, **k: notes.append(a))
                with running(context):
                    workflow.do_engine_steps()
                    while workflow.get_next_task(state=TaskState.READY, manual=False) is not None:
                        workflow.do_engine_steps()
                store[(batch.process_id, key)] = (dump_plain_state(workflow), workflow)
            session.commit()
        side.seconds = perf_counter() - began
    for (process_id, _), (text, workflow) in store.items():
        side.state_bytes.setdefault(process_id, []).append(len(text))
        side.ready.setdefault(process_id, []).extend(
            t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY, manual=True))
    side.instances = len(store)
    return side


def measure(employees: int, url: str | None) -> dict[str, Any]:
    """Run both sides on fresh databases; return timings, sizes and checks."""
    csv_data = org_gen.write_csv(employees)
    clock.set(T0)
    try:
        with database(url) as factory:
            prepare(factory, csv_data)
            kinerja, batches = run_kinerja(factory, None)
        with database(url) as factory:
            prepare(factory, csv_data)
            raw = run_raw(factory, batches)
    finally:
        clock.set(None)
    return {"employees": csv_data.count(b"\n") - 2, "kinerja": kinerja, "raw": raw,
            "same_ready": _same(kinerja.ready, raw.ready)}


def profile(employees: int, url: str | None, top_n: int = 25) -> str:
    """Return cProfile top lists (cumulative, then own time) of one more Kinerja opening on a fresh database."""
    profiler = cProfile.Profile()
    clock.set(T0)
    try:
        with database(url) as factory:
            prepare(factory, org_gen.write_csv(employees))
            run_kinerja(factory, profiler)
    finally:
        clock.set(None)
    return top(profiler, top_n)


def top(profiler: cProfile.Profile, top_n: int = 25) -> str:
    """Return a profile's top lists by cumulative and by own time."""
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top_n)
    stats.sort_stats("tottime").print_stats(top_n)
    return text.getvalue()


def opened(factory: Factory, employees: int) -> None:
    """Prepare the database and open the cycle with Kinerja (a starting point, not timed)."""
    prepare(factory, org_gen.write_csv(employees))
    run_kinerja(factory, None)


def _same(a: dict[str, list[str]], b: dict[str, list[str]]) -> bool:
    return {k: sorted(v) for k, v in a.items() if v} == {k: sorted(v) for k, v in b.items() if v}


def size_line(side: Side, process_id: str) -> str:
    """Return 'median / mean bytes' of one process's stored state."""
    sizes = side.state_bytes.get(process_id) or [0]
    return f"{statistics.median(sizes):,.0f} / {statistics.fmean(sizes):,.0f}"
