"""Timers with several workers (issue #12, 1.5): N instances due at once, fired by 1 and by 3 worker processes.

    .venv/bin/python -m bench.timers --database-url postgresql+psycopg://user@host/kinerja_timers
    .venv/bin/python -m bench.timers --database-url ... --instances 2000 --workers 1,3

Each round starts N instances of bench/timer_wait.bpmn (a one-hour timer, then a user task) on an empty
database, then starts the worker processes, lets them get ready (imports, app) and releases them together;
each runs what `kinerja worker --once` runs, as of two hours later. Reported: the time from release until
the last worker is done, every worker's own pass and RSS (at release, highest, at the end), and the checks:
every instance fired exactly once (its `timer_fired` audit events), every instance at its user task.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine.clock import clock
from engine.definitions import specs
from engine.models import AuditEvent, HumanTask, Instance, SpecVersion
from engine.runtime.lifecycle import instances

from . import rss
from .kinerja import Factory, database, server_version

BPMN_FILE = Path(__file__).with_name("timer_wait.bpmn")
T0 = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
#: When the workers run: an hour after every timer fell due.
FIRE_AT = T0 + timedelta(hours=2)
#: The issue's target for a worker's memory over a pass: RSS at the end within ±10% of RSS at release.
FLAT = (0.9, 1.1)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.timers", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="an existing, empty PostgreSQL database")
    parser.add_argument("--instances", type=int, default=10_000, help="timers due at once (default 10000)")
    parser.add_argument("--workers", default="1,3", help="worker process counts, one round each (default 1,3)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # a worker process of a round
    return parser.parse_args(argv)


def rss_mb() -> float:
    """Return this process's current resident set size in MB (Linux /proc, as bench.rss reads it)."""
    read = rss.read_kb(os.getpid())
    return read[0] / 1024 if read else 0.0


def peak_mb() -> float:
    """Return this process's peak resident set size since it started (VmHWM) in MB."""
    read = rss.read_kb(os.getpid())
    return read[1] / 1024 if read else 0.0


def worker_process(url: str) -> None:
    """Be one worker: get ready, wait for the go on stdin, run `kinerja worker --once`, report JSON on stdout."""
    from webui import create_app
    app = create_app({"DATABASE_URL": url})
    runner = app.test_cli_runner()
    print("ready", flush=True)
    sys.stdin.readline()
    start, peak = rss_mb(), [rss_mb()]
    done = threading.Event()

    def sample() -> None:  # RSS during the pass, read every 100 ms (VmHWM below catches what falls between)
        while not done.wait(0.1):
            peak[0] = max(peak[0], rss_mb())

    threading.Thread(target=sample, daemon=True).start()
    began = time.perf_counter()
    result = runner.invoke(args=["worker", "--once", "--now", FIRE_AT.isoformat()])
    seconds = time.perf_counter() - began
    done.set()
    fired = int(result.output.rsplit("fired timers of ", 1)[-1].split()[0]) if result.exit_code == 0 else -1
    print(json.dumps({"exit": result.exit_code, "fired": fired, "seconds": seconds, "rss_start": start,
                      "rss_peak": max(peak[0], rss_mb()), "rss_end": rss_mb(),
                      "rss_hwm": peak_mb()}), flush=True)


def start_instances(factory: Factory, count: int, batch: int = 500) -> None:
    """Deploy the process and start count instances at T0, each with a timer due at T0 + 1 h."""
    clock.set(T0)
    with factory() as session:
        version_id = specs.deploy(session, {BPMN_FILE.name: BPMN_FILE.read_bytes()}, "bench")[0].spec_version.id
        session.commit()
    for first in range(0, count, batch):
        with factory() as session:
            version = session.get(SpecVersion, version_id)
            assert version is not None
            indexes = range(first, min(first + batch, count))
            items = [(f"timer-{i:06d}", {"employee": f"e{i % 500:03d}"}) for i in indexes]
            instances.start_many(session, version, items, "bench")
            session.commit()
    clock.set(None)


def run_workers(url: str, count: int) -> tuple[float, list[dict[str, Any]]]:
    """Start count worker processes, release them together; return the wall time and each one's report."""
    command = [sys.executable, "-m", "bench.timers", "--worker", "--database-url", url]
    procs = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for _ in range(count)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    began = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    reports, last = [], began
    for proc in procs:  # the wall time ends with the last report, not with the interpreters' exit
        assert proc.stdout is not None
        reports.append(json.loads(proc.stdout.readline()))
        last = max(last, time.perf_counter())
    for proc in procs:
        proc.communicate()
    return last - began, reports


def check(factory: Factory, count: int) -> dict[str, int]:
    """Count instances fired twice, never fired, and not waiting at their user task."""
    with factory() as session:
        fired = dict(session.execute(select(AuditEvent.instance_id, func.count()).where(
            AuditEvent.event_type == "timer_fired").group_by(AuditEvent.instance_id)).all())
        total = session.execute(select(func.count()).select_from(Instance)).scalar_one()
        at_task = session.execute(select(func.count()).select_from(HumanTask).where(
            HumanTask.state == "open", HumanTask.bpmn_id == "work")).scalar_one()
    return {"instances": total, "fired twice": sum(1 for n in fired.values() if n > 1),
            "missed": total - len(fired), "not at the task": count - at_task}


def run_round(url: str, count: int, workers: int) -> list[str]:
    """One round on a fresh database: start the instances, fire them with `workers` processes, check."""
    with database(url) as factory:
        began = time.perf_counter()
        start_instances(factory, count)
        setup = time.perf_counter() - began
        wall, reports = run_workers(url, workers)
        checks = check(factory, count)
    lines = [f"### {workers} worker(s), {count} timers due (set-up {setup:.1f} s)", "",
             f"total {wall:.1f} s, {count / wall:.0f} instances/s; checks: "
             + ", ".join(f"{k} {v}" for k, v in checks.items()), "",
             "| worker | exit | fired | pass s | RSS at release MB | highest MB | at end MB | peak (VmHWM) MB "
             "| end/release | flat (±10%) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for n, r in enumerate(reports, 1):
        ratio = r["rss_end"] / r["rss_start"]
        lines.append(f"| {n} | {r['exit']} | {r['fired']} | {r['seconds']:.1f} | {r['rss_start']:.1f} | "
                     f"{r['rss_peak']:.1f} | {r['rss_end']:.1f} | {r['rss_hwm']:.1f} | {ratio:.2f} | "
                     f"{'yes' if FLAT[0] <= ratio <= FLAT[1] else 'NO'} |")
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        worker_process(args.database_url)
        return 0
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("several workers share due timers through PostgreSQL's SKIP LOCKED: give a PostgreSQL URL")
    with tempfile.TemporaryDirectory(prefix="kinerja-timers-") as tmp:
        # One audit key ring and instance folder for this process and its workers.
        os.environ.setdefault("KINERJA_AUDIT_KEY_FILE", f"{tmp}/audit.keys")
        os.environ.setdefault("KINERJA_INSTANCE_PATH", tmp)
        print(f"# Timers with several workers: {args.instances} due at once; {server_version(args.database_url)}\n")
        for workers in (int(n) for n in args.workers.split(",")):
            print("\n".join(run_round(args.database_url, args.instances, workers)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
