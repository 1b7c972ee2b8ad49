"""Kinerja's real path: deploy, instances.start_many and tasks.complete on a database, committing each unit."""

from __future__ import annotations

import cProfile
import gc
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from engine.db import Base, make_engine, make_sessionmaker, upgrade
from engine.definitions import specs
from engine.models import AuditEvent, HumanTask, Instance, SpecVersion
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import instances

from .workload import PROCESS_ID, STEPS, Timing, Workload, files

Factory = sessionmaker[Session]


@contextmanager
def database(url: str | None) -> Iterator[Factory]:
    """Yield a session factory on a fresh database: a temporary SQLite file, or the given (empty) one."""
    if url is None:
        with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as tmp:
            sqlite_url = f"sqlite:///{tmp}/bench.db"
            upgrade(sqlite_url)
            engine = make_engine(sqlite_url)
            try:
                yield make_sessionmaker(engine)
            finally:
                engine.dispose()
        return
    upgrade(url)
    engine = make_engine(url)
    try:
        _require_empty(engine)
        _clear(engine)  # empty already; on PostgreSQL this restarts the ids an earlier run used
        yield make_sessionmaker(engine)
        _clear(engine)  # only what this phase wrote: the database was empty when it began
    finally:
        engine.dispose()


def _require_empty(engine: Engine) -> None:
    with engine.connect() as conn:
        used = conn.execute(select(func.count()).select_from(SpecVersion)).scalar_one()
    if used:
        raise SystemExit("the database given with --database-url already holds data; "
                         "create a fresh, empty database for the benchmark")


def _clear(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # ids restart too: the next phase gets the same ones
            names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def server_version(url: str | None) -> str:
    """Return the database server's version text (SQLite's library version for the default)."""
    if url is None:
        import sqlite3
        return f"SQLite {sqlite3.sqlite_version}"
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("select version()")).scalar())
    finally:
        engine.dispose()


def deploy(factory: Factory) -> int:
    """Deploy the benchmark process and return its spec version id."""
    with factory() as session:
        result = specs.deploy(session, files(), "bench")
        session.commit()
        return next(r.spec_version.id for r in result if r.spec_version.process_id == PROCESS_ID)


def open_instances(factory: Factory, version_id: int, workload: Workload,
                   batch: int = 100) -> tuple[Timing, list[int]]:
    """Time instances.start_many in batches of `batch` with a commit each (as `cycle open` does).

    Each batch's time is shared equally by its instances, so per-instance figures stay comparable.
    """
    timing = Timing()
    ids: list[int] = []
    for first in range(0, workload.size, batch):
        began = perf_counter()
        with factory() as session:
            version = session.get(SpecVersion, version_id)
            assert version is not None
            indexes = range(first, min(first + batch, workload.size))
            items = [(f"bench-{i:06d}", workload.starts[i]) for i in indexes]
            started = instances.start_many(session, version, items, "bench")
            ids.extend(instance.id for instance in started)
            session.commit()
        share = (perf_counter() - began) / len(indexes)
        timing.samples.extend(share for _ in indexes)
    return timing, ids


def open_task_ids(factory: Factory) -> dict[int, int]:
    """Return {instance id: open human task id} with one query."""
    with factory() as session:
        rows = session.execute(select(HumanTask.instance_id, HumanTask.id).where(HumanTask.state == "open"))
        return {instance_id: task_id for instance_id, task_id in rows}


def complete_steps(factory: Factory, version_id: int, workload: Workload,
                   profiler: cProfile.Profile | None = None) -> tuple[Timing, dict[str, Any]]:
    """Time tasks.complete + commit (a session each, as a web request) for all ten steps of every instance."""
    _, ids = open_instances(factory, version_id, workload)  # set-up, not timed
    gc.collect()
    timing = Timing()
    for step in range(STEPS):
        open_ids = open_task_ids(factory)  # outside the timing
        submissions = workload.steps[step]
        if profiler:
            profiler.enable()
        for i, instance_id in enumerate(ids):
            task_id, actor = open_ids[instance_id], workload.starts[i]["employee"]
            began = perf_counter()
            with factory() as session:
                tasks.complete(session, task_id, actor, submissions[i])
                session.commit()
            timing.samples.append(perf_counter() - began)
        if profiler:
            profiler.disable()
    return timing, check(factory, ids)


def check(factory: Factory, ids: list[int]) -> dict[str, Any]:
    """Return facts about the finished instances; raise when one did not complete."""
    with factory() as session:
        done = session.execute(select(func.count()).select_from(Instance).where(
            Instance.id.in_(ids), Instance.status == "completed")).scalar_one()
        if done != len(ids):
            raise RuntimeError(f"only {done} of {len(ids)} Kinerja instances completed")
        high = sum(instances.load(session, i, "bench").workflow.data.get("level") == "high" for i in ids)
        sizes = sorted(len(s) for s in session.execute(select(Instance.state)).scalars())
        events = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        completed = session.execute(select(func.count()).select_from(HumanTask).where(
            HumanTask.state == "completed")).scalar_one()
    return {"completed": done, "high": high, "state_bytes_median": sizes[len(sizes) // 2],
            "human_tasks_completed": completed, "audit_events": events}
