"""Benchmark: raw SpiffWorkflow against Kinerja's persisted path (`python -m bench.engine --help`)."""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import resource
import statistics
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from sqlalchemy.engine import make_url

from . import kinerja, raw
from .workload import SEED, STEPS, Specs, make_workload, raw_spec

TARGET = 1.5


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__)
    parser.add_argument("--instances", type=int, default=1000, help="instances for completions (a)/(b)")
    parser.add_argument("--opens", type=int, default=10000, help="instances opened in (c)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; medians are reported")
    parser.add_argument("--database-url", help="an existing, empty database (e.g. PostgreSQL); "
                        "default: a temporary SQLite file")
    parser.add_argument("--profile", action="store_true",
                        help="only profile (b) with cProfile and print the top 25 by cumulative time")
    return parser.parse_args(argv)


def rss_mb() -> float:
    """Return the peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_round(args: argparse.Namespace, spec: BpmnProcessSpec, deps: Specs) -> dict[str, Any]:
    """Run the four measurements once; return their timings, checks and peak RSS after each."""
    out: dict[str, Any] = {"rss": {}}
    work = make_workload(args.instances)
    gc.collect()
    out["a"], out["a_facts"] = raw.complete_steps(spec, deps, work)
    out["rss"]["a"] = rss_mb()
    gc.collect()
    with kinerja.database(args.database_url) as factory:
        out["b"], out["b_facts"] = kinerja.complete_steps(factory, kinerja.deploy(factory), work)
    out["rss"]["b"] = rss_mb()
    opens = make_workload(args.opens, SEED + 1)
    gc.collect()
    out["c_raw"], store = raw.open_instances(spec, deps, opens)
    out["c_raw_bytes"] = sum(len(text) for text in store.values())
    del store
    out["rss"]["c_raw"] = rss_mb()
    gc.collect()
    with kinerja.database(args.database_url) as factory:
        out["c_kin"], _ = kinerja.open_instances(factory, kinerja.deploy(factory), opens)
    out["rss"]["c_kin"] = rss_mb()
    gc.collect()
    return out


def med(rounds: list[dict[str, Any]], key: str, attr: str) -> float:
    """Return the median over rounds of one attribute of one timing."""
    return float(statistics.median(getattr(r[key], attr) for r in rounds))


def ratio_line(rounds: list[dict[str, Any]], num: str, den: str, label: str) -> str:
    """Return the ratio line of two timings: median over rounds of the per-round ratio of totals."""
    ratios = [r[num].total / r[den].total for r in rounds]
    medians = [r[num].median_ms / r[den].median_ms for r in rounds]
    value = statistics.median(ratios)
    verdict = "meets" if value <= TARGET else "MISSES"
    spread = f"  (rounds: {', '.join(f'{x:.2f}' for x in ratios)})" if len(rounds) > 1 else ""
    return (f"  {label:<44}{value:>9.2f}x by total/mean, {statistics.median(medians):.2f}x by median"
            f"  -> {verdict} the <= {TARGET} target{spread}")


def timing_line(rounds: list[dict[str, Any]], key: str, label: str) -> str:
    """Return one formatted row: mean, median, p95 (ms) and total (s), medians over rounds."""
    return (f"  {label:<44}{med(rounds, key, 'mean_ms'):>9.3f}{med(rounds, key, 'median_ms'):>11.3f}"
            f"{med(rounds, key, 'p95_ms'):>9.3f}{med(rounds, key, 'total'):>10.2f}")


def header(args: argparse.Namespace) -> list[str]:
    """Return the lines describing the run and the machine."""
    url = args.database_url
    where = make_url(url).render_as_string(hide_password=True) if url else "temporary SQLite file (WAL)"
    return [
        f"Kinerja engine benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"  machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        f"  Python {platform.python_version()}, {kinerja.server_version(url)}, SpiffWorkflow "
        f"{version('SpiffWorkflow')}, SQLAlchemy {version('SQLAlchemy')}",
        f"  database: {where}",
        f"  process: bench/ten_tasks.bpmn ({STEPS} user tasks, 1 script task, 3 exclusive gateways), "
        f"seed {SEED}",
        f"  N={args.instances} instances x {STEPS} steps, M={args.opens} opened, repeat={args.repeat}",
    ]


def report(args: argparse.Namespace, rounds: list[dict[str, Any]]) -> list[str]:
    """Return the result lines."""
    cols = f"  {'':<44}{'mean ms':>9}{'median ms':>11}{'p95 ms':>9}{'total s':>10}"
    last = rounds[-1]
    return [
        "", f"Completing one user task ({args.instances * STEPS} completions per round)", cols,
        timing_line(rounds, "a", "(a) raw: load JSON, complete, run, dump JSON"),
        timing_line(rounds, "b", "(b) Kinerja: tasks.complete + commit"),
        ratio_line(rounds, "b", "a", "ratio b/a"),
        "", f"Opening instances ({args.opens} per round)", cols,
        timing_line(rounds, "c_raw", "(a) raw: BpmnWorkflow, start, run, dump JSON"),
        timing_line(rounds, "c_kin", "(b) Kinerja: instances.start_many, 100 + commit"),
        ratio_line(rounds, "c_kin", "c_raw", "ratio b/a"),
        "", "Checks (last round)",
        f"  raw: {last['a_facts']}",
        f"  Kinerja: {last['b_facts']}",
        f"  raw JSON of {args.opens} just-opened instances: {last['c_raw_bytes'] / 1e6:.1f} MB in memory",
        "", "Peak RSS (MB, cumulative, last round): " + ", ".join(
            f"after {k} {v:.0f}" for k, v in last["rss"].items()),
    ]


def profile(args: argparse.Namespace) -> None:
    """Profile the timed loop of (b) and print the top 25 functions by cumulative time."""
    profiler = cProfile.Profile()
    with kinerja.database(args.database_url) as factory:
        timing, _ = kinerja.complete_steps(factory, kinerja.deploy(factory), make_workload(args.instances),
                                           profiler)
    print(f"(b) {timing.count} completions, {timing.mean_ms:.3f} ms mean (with profiler overhead)")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    args = parse_args(argv)
    print("\n".join(header(args)), flush=True)
    if args.profile:
        profile(args)
        return 0
    spec, deps = raw_spec()
    rounds = []
    for number in range(1, args.repeat + 1):
        rounds.append(run_round(args, spec, deps))
        if args.repeat > 1:
            print(f"  round {number}/{args.repeat} done", flush=True)
    print("\n".join(report(args, rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
