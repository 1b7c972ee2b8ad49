"""City benchmark on the real bpmn/ against lean raw SpiffWorkflow (`python -m bench.city --help`).

(1) the SKP review completed task by task (bench.city_complete), (2) a cycle opened for a generated
city (bench.city_open); both written as Markdown to --output, with a cProfile of the Kinerja opening.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import statistics
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from engine.clock import clock

from . import city_complete, city_open, city_reopen
from .kinerja import database, server_version
from .workload import Timing

TARGET = 1.5
RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.city", description=__doc__)
    parser.add_argument("--employees", type=int, default=1000, help="employees in the generated city (40 OPD)")
    parser.add_argument("--cycles", type=int, default=200, help="employees whose SKP review is completed")
    parser.add_argument("--database-url", help="an existing, empty database (e.g. PostgreSQL); "
                        "default: a temporary SQLite file")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the opening (the median is shown)")
    parser.add_argument("--skip-complete", action="store_true", help="only measure the opening")
    parser.add_argument("--skip-open", action="store_true", help="only measure the completions")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiled third opening")
    parser.add_argument("--reopen", action="store_true", help="also an opening killed halfway and run again")
    parser.add_argument("--output", type=Path, help="Markdown results file "
                        "(default bench/results/city-<date>-<db>-<employees>.md)")
    return parser.parse_args(argv)


def complete_section(args: argparse.Namespace) -> list[str]:
    """Measure the SKP review and the first monitoring period on both sides; return the Markdown lines."""
    clock.set(city_open.T0)
    try:
        with database(args.database_url) as factory:
            city_open.opened(factory, args.employees)
            kin, cleaned = city_complete.run_kinerja(factory, args.cycles)
        clock.set(city_open.T0)
        with database(args.database_url) as factory:
            city_open.opened(factory, args.employees)
            raw = city_complete.run_raw(factory, args.cycles, cleaned, kin)
    finally:
        clock.set(None)
    lines = ["## 1. Completing tasks of the real processes", "",
             f"{args.cycles} staff cycles; each step is completed in every cycle before the next step.", "",
             "| phase | side | mean ms | median ms | p95 ms | total s |", "|---|---|---|---|---|---|"]
    names = ("SKP review", "first monitoring period")
    for number, steps in enumerate(kin.steps):
        label = f"{names[number]}: {', '.join(steps)}"
        a, b = raw.timings[number], kin.timings[number]
        ratio = b.total / a.total
        lines += [_row(label, "(a) lean raw", a), _row("", "(b) Kinerja", b),
                  f"| | **ratio b/a** | **{ratio:.2f}x** | {b.median_ms / a.median_ms:.2f}x | | "
                  f"{'meets' if ratio <= TARGET else 'MISSES'} {TARGET}x |"]
    lines += ["", "Per step (total s, raw / Kinerja, ratio): " + "; ".join(
        f"{step} {raw.per_step[step].total:.2f} / {kin.per_step[step].total:.2f}, "
        f"{kin.per_step[step].total / raw.per_step[step].total:.2f}x" for step in kin.per_step) + "."]
    if not args.no_profile:
        lines += ["", f"### cProfile of Kinerja's completions (another run, {min(50, args.cycles)} cycles; "
                  "top 25 by cumulative, then by own time)", "", "```", _profile_complete(args).strip(), "```"]
    lines += ["", f"Checks: open tasks and statuses of the chosen cycles afterwards, Kinerja {kin.after}, raw "
              f"{raw.after} ({'same' if kin.after == raw.after else 'DIFFERENT'}); state at the end, median "
              f"{statistics.median(kin.sizes):,.0f} B (Kinerja) vs {statistics.median(raw.sizes):,.0f} B (raw).", ""]
    return lines


def _profile_complete(args: argparse.Namespace) -> str:
    profiler = cProfile.Profile()
    clock.set(city_open.T0)
    try:
        with database(args.database_url) as factory:
            city_open.opened(factory, args.employees)
            city_complete.run_kinerja(factory, min(50, args.cycles), profiler)
    finally:
        clock.set(None)
    return city_open.top(profiler)


def open_section(args: argparse.Namespace) -> list[str]:
    """Measure the opening on both sides (and profile Kinerja's) and return its Markdown lines."""
    rounds = [city_open.measure(args.employees, args.database_url) for _ in range(args.repeat)]
    ratios = [r["kinerja"].seconds / r["raw"].seconds for r in rounds]
    out = rounds[ratios.index(statistics.median_low(ratios))]  # the median round is shown
    kin: city_open.Side = out["kinerja"]
    raw: city_open.Side = out["raw"]
    ratio = kin.seconds / raw.seconds
    lines = [
        f"## 2. Opening the cycle for {out['employees']} employees in 40 OPD", "",
        f"{args.repeat} round(s), ratios {', '.join(f'{r:.2f}x' for r in ratios)}; the median round:", "",
        "| side | instances | total s | ms per instance |", "|---|---|---|---|",
        f"| (a) lean raw: BpmnWorkflow, start data, do_engine_steps, dump_state, commit per 100 | "
        f"{raw.instances} | {raw.seconds:.2f} | {1000 * raw.seconds / raw.instances:.2f} |",
        f"| (b) Kinerja open_cycle (as `kinerja cycle open`) | {kin.instances} | {kin.seconds:.2f} | "
        f"{1000 * kin.seconds / kin.instances:.2f} |",
        f"| **ratio b/a** | | **{ratio:.2f}x** | {'meets' if ratio <= TARGET else 'MISSES'} {TARGET}x |", "",
        "Stored state per instance, median / mean bytes (Kinerja | raw, both state-only JSON):", "",
        "| process | Kinerja | raw |", "|---|---|---|"]
    for process_id in sorted(kin.state_bytes):
        lines.append(f"| {process_id} | {city_open.size_line(kin, process_id)} | "
                     f"{city_open.size_line(raw, process_id)} |")
    lines += ["", f"Checks: started {kin.facts['started']}, {kin.facts['problems']} problem(s), "
              f"{kin.facts['errors']} instance(s) in error, {kin.facts['audit_events']:,} audit events; "
              f"open user tasks per process {'the same' if out['same_ready'] else 'DIFFERENT'} on both sides "
              f"({ {k: len(v) for k, v in kin.ready.items() if v} }).", ""]
    if not args.no_profile:
        lines += ["### cProfile of the Kinerja opening (a third run; top 25 by cumulative, then by own time)", "",
                  "```", city_open.profile(args.employees, args.database_url).strip(), "```", ""]
    return lines


def _row(label: str, side: str, timing: Timing) -> str:
    return (f"| {label} | {side} | {timing.mean_ms:.2f} | {timing.median_ms:.2f} | {timing.p95_ms:.2f} | "
            f"{timing.total:.2f} |")


def header(args: argparse.Namespace) -> list[str]:
    """Return the title and the machine and version lines."""
    return [f"# City benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
            f"`python -m bench.city --employees {args.employees} --cycles {args.cycles} --repeat {args.repeat}"
            f"{' --database-url ...' if args.database_url else ''}`", "",
            f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start, "
            f"Python {platform.python_version()}, {server_version(args.database_url).split(' on ')[0]}, "
            f"SpiffWorkflow {version('SpiffWorkflow')}, SQLAlchemy {version('SQLAlchemy')}", ""]


def main(argv: list[str] | None = None) -> None:
    """Run the chosen measurements and write the results file."""
    args = parse_args(argv)
    kind = "postgresql" if args.database_url else "sqlite"
    output = args.output or RESULTS / f"city-{datetime.now(UTC):%Y-%m-%d}-{kind}-{args.employees}.md"
    lines = header(args)
    if not args.skip_complete:
        lines += complete_section(args)
    if not args.skip_open:
        lines += open_section(args)
    if args.reopen:
        lines += city_reopen.section(args.employees, args.database_url)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"written to {output}")


if __name__ == "__main__":
    main()
