"""Inbox at scale: one user's inbox page against a bare indexed SELECT of the same rows, on a year of history.

    .venv/bin/python -m bench.inbox_scale                        # SQLite scratch file in the temp folder
    .venv/bin/python -m bench.inbox_scale --database-url postgresql+psycopg://postgres@127.0.0.1/kin_inbox_bench

The first run fills the database with plain INSERTs (no workflow runs: the inbox only reads rows), later
runs reuse it, so the same data can be timed before and after a change (the schema is upgraded to head
first). The database must be empty or hold this benchmark's data. Sizes: --employees, --open, --completed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import Connection, Engine, event, func, insert, select
from sqlalchemy.orm import Session

from engine.db import make_engine, upgrade
from engine.models import HumanTask, Instance, SpecVersion, TaskCandidate
from engine.runtime import inbox
from workflows import inbox_view

PROCESS = "bench_inbox_scale"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
CHUNK = 10_000


def nip(n: int) -> str:
    """Return the 18-digit NIP of generated employee n."""
    return f"19800101200{n:07d}"


def boss_of(n: int) -> int:
    """Return the appraiser of employee n: one in ten employees appraises the nine after them."""
    return n - n % 10


def group_of(n: int, opds: int) -> str:
    """Return the Pengelola Kinerja group of employee n's OPD."""
    return f"pengelola_opd_{n % opds:02d}"


def task_rows(rng: random.Random, employees: int, opds: int, count: int, state: str,
              instance_of: Callable[[int], int]) -> Iterator[tuple[dict[str, Any], list[tuple[str, str]]]]:
    """Yield (human_task row, candidates) of tasks spread over the employees: 60% the employee's own,
    25% the appraiser's, 10% offered to the OPD's Pengelola group, 5% of those claimed by the appraiser."""
    for i in range(count):
        n = i % employees
        roll = rng.random()
        assignee = claimed = None
        candidates: list[tuple[str, str]] = []
        if roll < 0.60:
            assignee = nip(n)
        elif roll < 0.85:
            assignee = nip(boss_of(n))
        else:
            candidates = [("group", group_of(n, opds))]
            if roll >= 0.95:
                claimed = nip(boss_of(n))
        created = NOW - timedelta(days=rng.randint(1, 365))
        done = state == "completed"
        yield ({"instance_id": instance_of(n), "spiff_task_id": f"{state[0]}-{i}", "bpmn_id": f"Tugas_{i % 12}",
                "name": f"Tugas {i % 12}", "process_id": PROCESS, "lane": None, "assignee": assignee,
                "claimed_by": claimed, "form": {"key": None, "fields": []}, "documentation": None,
                "properties": {}, "due_at": created + timedelta(days=rng.randint(-30, 60)), "follow_up_at": None,
                "state": state, "created_at": created, "completed_at": created + timedelta(days=3) if done else None,
                "completed_by": (claimed or assignee or nip(n)) if done else None}, candidates)


def generate(engine: Engine, employees: int, opds: int, open_count: int, completed: int) -> None:
    """Insert one spec version, two cycles per employee and the tasks, in chunks; then update statistics."""
    rng = random.Random(20261203)
    with engine.begin() as conn:
        spec_id = conn.execute(insert(SpecVersion).returning(SpecVersion.id), [{
            "process_id": PROCESS, "name": PROCESS, "version": 1, "sha256": "0" * 64, "spec_json": "{}",
            "files": {}, "main_file": "x.bpmn", "start_messages": [], "deployed_by": "bench",
            "deployed_at": NOW}]).scalar_one()
        ids: dict[tuple[int, int], int] = {}
        for year in (2025, 2026):
            rows = [{"spec_version_id": spec_id, "process_id": PROCESS, "business_key": f"skp:{year}:{nip(n)}",
                     "status": "waiting", "state": "{}", "serializer_version": "1", "version": 1,
                     "started_by": "bench", "started_at": NOW, "updated_at": NOW, "audit_seq": 0,
                     "audit_hash": "0" * 64} for n in range(employees)]
            for n, new_id in enumerate(conn.execute(insert(Instance).returning(
                    Instance.id, sort_by_parameter_order=True), rows).scalars()):
                ids[year, n] = new_id
    for state, count, year in (("completed", completed, 2025), ("open", open_count, 2026)):
        batch: list[tuple[dict[str, Any], list[tuple[str, str]]]] = []
        for item in task_rows(rng, employees, opds, count, state, lambda n, y=year: ids[y, n]):
            batch.append(item)
            if len(batch) == CHUNK:
                _insert_tasks(engine, batch)
                batch = []
        if batch:
            _insert_tasks(engine, batch)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def _insert_tasks(engine: Engine, batch: list[tuple[dict[str, Any], list[tuple[str, str]]]]) -> None:
    with engine.begin() as conn:
        task_ids = conn.execute(insert(HumanTask).returning(HumanTask.id, sort_by_parameter_order=True),
                                [row for row, _ in batch]).scalars().all()
        links = [{"human_task_id": task_id, "kind": kind, "value": value}
                 for task_id, (_, pairs) in zip(task_ids, batch, strict=True) for kind, value in pairs]
        if links:
            conn.execute(insert(TaskCandidate), links)


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Return the median and the best time of an action in milliseconds (after one warm-up call).

    The best time is the one least disturbed by other work on the machine; both are reported.
    """
    action()
    times = []
    for _ in range(repeat):
        start = perf_counter()
        action()
        times.append((perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def plans(session: Session, action: Callable[[], Any]) -> list[str]:
    """Return the query plan of every statement an action runs (EXPLAIN QUERY PLAN on SQLite)."""
    connection = session.connection()
    captured: list[tuple[str, Any]] = []

    def capture(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        captured.append((statement, parameters))
    event.listen(connection.engine, "before_cursor_execute", capture)
    try:
        action()
    finally:
        event.remove(connection.engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
    lines = []
    for statement, parameters in captured:
        lines.append("-- " + " ".join(statement.split())[:160] + " ...")
        plan = connection.exec_driver_sql(prefix + statement, parameters).all()
        lines += [f"   {row[-1]}" for row in plan]
    return lines


def _bare(session: Session, ids: list[int]) -> list[HumanTask]:
    """Read rows by primary key, soonest due first: the floor any listing of them costs."""
    return list(session.execute(select(HumanTask).where(HumanTask.id.in_(ids))
                                .order_by(HumanTask.due_at, HumanTask.id)).scalars())


def measure(engine: Engine, repeat: int) -> list[str]:
    """Time three users' inbox (API listing and HTML page queries) against the bare SELECT of their rows."""
    out = []
    with Session(engine) as session:
        users = [("employee", nip(1), []), ("appraiser", nip(10), []),
                 ("pengelola (group)", nip(20), [group_of(0, 40)])]
        for who, user, groups in users:
            api = partial(inbox.open_tasks_for, session, user, groups, limit=50)
            page = api()
            bare = partial(_bare, session, [t.id for t in page.items])
            session.expunge_all()
            base, base_best = timed(bare, repeat)
            out.append(f"{who}: {page.total} open tasks visible, page of {len(page.items)}")
            out.append(f"  bare indexed SELECT of the page's rows: {base:8.2f} ms (best {base_best:.2f})")
            html = partial(inbox_view.inbox_of, session, user, groups)
            for label, action in (("API listing (open_tasks_for)", api), ("HTML inbox, tab mine", html),
                                  ("HTML inbox, tab group", partial(html, "group"))):
                median, best = timed(action, repeat)
                out.append(f"  {label:<30} {median:8.2f} ms (best {best:.2f})  ratio {median / base:5.1f}x "
                           f"(best {best / base_best:.1f}x)")
        out.append("")
        out.append("Query plans of the API listing and the HTML page (pengelola with a group):")
        out += plans(session, lambda: inbox.open_tasks_for(session, nip(20), [group_of(0, 40)], limit=50))
        out += plans(session, lambda: inbox_view.inbox_of(session, nip(20), [group_of(0, 40)], "group"))
    return out


def main(argv: list[str] | None = None) -> None:
    """Fill the database when empty, then print the timings and the query plans."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an empty database, or one filled by an earlier run")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--opds", type=int, default=40)
    parser.add_argument("--open", type=int, default=50_000)
    parser.add_argument("--completed", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{Path(tempfile.gettempdir()) / 'kinerja-inbox-scale.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        processes = set(conn.execute(select(SpecVersion.process_id)).scalars())
        tasks = conn.execute(select(func.count()).select_from(HumanTask)).scalar_one()
    if processes - {PROCESS}:
        raise SystemExit("the database holds other data; give an empty one (or one an earlier run filled)")
    report = [f"database: {engine.dialect.name} ({url.rsplit('@', 1)[-1]})"]
    if not processes:
        start = perf_counter()
        generate(engine, args.employees, args.opds, args.open, args.completed)
        report.append(f"generated in {perf_counter() - start:.0f} s")
    with engine.connect() as conn:
        tasks = conn.execute(select(func.count()).select_from(HumanTask)).scalar_one()
        open_now = conn.execute(select(func.count()).select_from(HumanTask)
                                .where(HumanTask.state == "open")).scalar_one()
    report.append(f"human_task rows: {tasks} ({open_now} open); medians of {args.repeat} runs")
    report += measure(engine, args.repeat)
    engine.dispose()
    text = "\n".join(report)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
