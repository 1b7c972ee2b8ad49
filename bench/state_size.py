"""What the stored state of the real processes is made of (`python -m bench.state_size --help`).

A city is opened with Kinerja and the SKP review and first monitoring period completed for some staff
(bench.city_open / bench.city_complete, not timed); the stored states are read after each stage and
broken down in the library's own state-only JSON (SpiffWorkflow's format without the spec): per part
of a task, per variable, per task spec, and the bytes that repeat a value already in the same state.
Then the same states in Kinerja's packed format (engine.definitions.state_pack), and the time to dump
and restore a sample of them both ways, measured in the same run (a ratio; absolute times depend on
the machine's load).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import select

from engine.clock import clock
from engine.definitions.serializer import (
    LIBRARY_STATE_VERSION,
    STATE_VERSION,
    dump_plain_state,
    dump_state,
    load_state,
)
from engine.definitions.specs import spec_of
from engine.definitions.state_pack import unpack
from engine.models import Instance, SpecVersion

from . import city_complete, city_open
from .kinerja import Factory, database

RESULTS = Path(__file__).resolve().parent / "results"
Row = tuple[int, str, str, str, int, str]  # id, process, state text, version, spec version id, sha256


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.state_size", description=__doc__)
    parser.add_argument("--employees", type=int, default=1000, help="employees in the generated city")
    parser.add_argument("--cycles", type=int, default=20, help="staff cycles taken through the review and a period")
    parser.add_argument("--sample", type=int, default=20, help="states per stage timed for dump and restore")
    parser.add_argument("--output", type=Path, help="Markdown file (default bench/results/state-size-<date>.md)")
    return parser.parse_args(argv)


def _rows(factory: Factory, ids: list[int] | None = None) -> list[Row]:
    with factory() as session:
        query = select(Instance.id, Instance.process_id, Instance.state, Instance.serializer_version,
                       SpecVersion.id, SpecVersion.sha256).join(SpecVersion, SpecVersion.id == Instance.spec_version_id)
        if ids is not None:
            query = query.where(Instance.id.in_(ids))
        return [tuple(row) for row in session.execute(query.order_by(Instance.id)).all()]  # type: ignore[misc]


def collect(employees: int, cycles: int, sample: int) -> tuple[dict[str, list[Row]], dict[str, dict[str, float]]]:
    """Open a city, take some cycles through the review and a period; return stored rows and timings per stage."""
    stages: dict[str, list[Row]] = {}
    timings: dict[str, dict[str, float]] = {}
    clock.set(city_open.T0)
    original = city_complete._fire_kinerja
    try:
        with database(None) as factory:
            city_open.opened(factory, employees)
            stages["opening"] = _rows(factory)
            timings["opening"] = _timing(factory, [r for r in stages["opening"] if r[1] == "siklus_kinerja"][:sample])

            def fire(session_factory: Factory, ids: list[int]) -> datetime:
                stages["SKP review"] = _rows(session_factory, ids)
                timings["SKP review"] = _timing(session_factory, stages["SKP review"][:sample])
                return original(session_factory, ids)

            city_complete._fire_kinerja = fire
            city_complete.run_kinerja(factory, cycles)
            keys = list(city_complete.chosen_cycles(factory, cycles))
            stages["first period"] = _rows(factory, keys)
            timings["first period"] = _timing(factory, stages["first period"][:sample])
    finally:
        city_complete._fire_kinerja = original
        clock.set(None)
    return stages, timings


def _timing(factory: Factory, rows: list[Row], rounds: int = 5) -> dict[str, float]:
    """Return ms per state to dump and to restore, in the library's JSON and packed, interleaved."""
    spent: Counter[str] = Counter()
    with factory() as session:
        for _, _, text, version, spec_id, sha in rows:
            spec, deps = spec_of(session, spec_id, sha)
            workflow = load_state(text, version, spec, deps)
            plain, packed = dump_plain_state(workflow), dump_state(workflow)
            calls: tuple[tuple[str, Any, tuple[Any, ...]], ...] = (
                ("dump plain", dump_plain_state, (workflow,)), ("dump packed", dump_state, (workflow,)),
                ("restore plain", load_state, (plain, LIBRARY_STATE_VERSION, spec, deps)),
                ("restore packed", load_state, (packed, STATE_VERSION, spec, deps)))
            for _ in range(rounds):
                for name, call, arguments in calls:
                    began = perf_counter()
                    call(*arguments)
                    spent[name] += perf_counter() - began
    return {name: 1000 * seconds / (len(rows) * rounds) for name, seconds in spent.items()}


def plain_dict(row: Row) -> dict[str, Any]:
    """Return the library's state dict of a stored row, whichever format it was stored in."""
    return unpack(row[2]) if "+" in row[3] else json.loads(row[2])


def _size(value: Any) -> int:
    return len(json.dumps(value))


def breakdown(state: dict[str, Any]) -> tuple[Counter[str], Counter[str], Counter[str], Counter[str]]:
    """Return bytes per part, per variable, repeated per variable, and per task spec of one state."""
    parts: Counter[str] = Counter()
    variables: Counter[str] = Counter()
    repeated: Counter[str] = Counter()
    specs: Counter[str] = Counter()
    seen: set[str] = set()

    def once(name: str, value: Any, part: str) -> None:
        text = json.dumps(value)
        variables[name] += len(text)
        if (name, text) in seen:  # type: ignore[comparison-overlap]
            repeated[name] += len(text)
            parts[f"{part}: repeated values"] += len(text)
        seen.add((name, text))  # type: ignore[arg-type]

    total = _size(state)
    for workflow in (state, *state["subprocesses"].values()):
        for key, task in workflow["tasks"].items():
            size = len(key) + 4 + _size(task)
            specs[task["task_spec"]] += size
            parts["uuids (mapping key, id, parent, children)"] += (
                len(key) + 4 + _size(task["id"]) + _size(task["parent"]) + _size(task["children"]))
            parts["field names and punctuation"] += _size(task) - sum(_size(v) for v in task.values())
            delta = task["delta"]
            if delta == {"updates": {}, "deletions": []} or delta == {}:
                parts["delta: empty"] += _size(delta)
            else:
                parts["delta: deletions (tasks not reached yet)"] += _size(delta["deletions"])
                once("(a delta's deletions)", delta["deletions"], "delta: deletions (tasks not reached yet)")
                parts["delta: updates"] += _size(delta) - _size(delta["deletions"])
                for name, value in delta["updates"].items():
                    once(name, value, "delta: updates")
            parts["data (root tasks: a full copy)"] += _size(task["data"])
            for name, value in task["data"].items():
                once(name, value, "data (root tasks: a full copy)")
            parts["internal_data"] += _size(task["internal_data"])
            parts["task_spec, state, triggered, last change, typename"] += sum(
                _size(task[k]) for k in ("task_spec", "state", "triggered", "last_state_change", "typename"))
    parts["workflow fields (data, events, sub-process keys)"] = total - sum(
        v for k, v in parts.items() if ": repeated" not in k)
    parts["total"] = total
    return parts, variables, repeated, specs


def _median_parts(states: list[dict[str, Any]]) -> dict[str, float]:
    found = [breakdown(state)[0] for state in states]
    names = sorted({name for parts in found for name in parts}, key=lambda n: (n == "total", n))
    return {name: statistics.median(parts.get(name, 0) for parts in found) for name in names}


def _top(states: list[dict[str, Any]], which: int, count: int) -> list[tuple[str, float, float]]:
    """Return (name, mean bytes, mean repeated bytes) per instance of the largest variables or task specs."""
    summed: Counter[str] = Counter()
    again: Counter[str] = Counter()
    for state in states:
        found = breakdown(state)
        summed.update(found[which])
        again.update(found[2] if which == 1 else Counter())
    return [(name, size / len(states), again[name] / len(states)) for name, size in summed.most_common(count)]


def report(stages: dict[str, list[Row]], timings: dict[str, dict[str, float]]) -> list[str]:
    """Return the Markdown lines of the analysis."""
    lines = ["## Stored state per instance (median bytes)", "",
             "| stage | process | instances | library JSON | packed | packed / library |", "|---|---|---|---|---|---|"]
    by_stage: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for stage, rows in stages.items():
        groups: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            groups[row[1]].append(row)
        by_stage[stage] = {}
        for process_id, group in sorted(groups.items()):
            states = [plain_dict(row) for row in group]
            by_stage[stage][process_id] = states
            plain = statistics.median(_size(s) for s in states)
            packed = statistics.median(len(row[2]) if "+" in row[3] else -1 for row in group)
            lines.append(f"| {stage} | {process_id} | {len(group)} | {plain:,.0f} | {packed:,.0f} | "
                         f"{packed / plain:.2f} |")
    focus = [(stage, "siklus_kinerja") for stage in stages] + [("opening", "kalibrasi_unit")]
    lines += ["", "## Parts of the library's JSON (median bytes per instance)", "",
              "| part | " + " | ".join(f"{p}, {s}" for s, p in focus) + " |", "|---|" + "---|" * len(focus)]
    medians = [_median_parts(by_stage[s][p]) for s, p in focus]
    for name in medians[-2]:
        lines.append(f"| {name} | " + " | ".join(f"{m.get(name, 0):,.0f}" for m in medians) + " |")
    for stage, process_id in (focus[-2], focus[-1]):
        states = by_stage[stage][process_id]
        lines += ["", f"### {process_id} after the {stage}: largest variables and task specs (mean bytes per "
                  "instance; repeated = copies of a value already in the same state)", "",
                  "| variable | bytes | repeated |", "|---|---|---|"]
        lines += [f"| `{n}` | {b:,.0f} | {r:,.0f} |" for n, b, r in _top(states, 1, 10)]
        lines += ["", "| task spec | bytes (all its tasks) |", "|---|---|"]
        lines += [f"| `{n}` | {b:,.0f} |" for n, b, _ in _top(states, 3, 8)]
    lines += ["", "## Dump and restore, ms per state (siklus_kinerja sample, interleaved, same run)", "",
              "| stage | dump library | dump packed | ratio | restore library | restore packed | ratio |",
              "|---|---|---|---|---|---|---|"]
    for stage, t in timings.items():
        lines.append(f"| {stage} | {t['dump plain']:.2f} | {t['dump packed']:.2f} | "
                     f"{t['dump packed'] / t['dump plain']:.2f}x | {t['restore plain']:.2f} | "
                     f"{t['restore packed']:.2f} | {t['restore packed'] / t['restore plain']:.2f}x |")
    return lines


def main(argv: list[str] | None = None) -> None:
    """Collect the states, write and print the analysis."""
    args = parse_args(argv)
    output = args.output or RESULTS / f"state-size-{datetime.now(UTC):%Y-%m-%d}-{args.employees}.md"
    load = os.getloadavg()[0]
    stages, timings = collect(args.employees, args.cycles, args.sample)
    lines = [f"# Stored state size, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"`python -m bench.state_size --employees {args.employees} --cycles {args.cycles} "
             f"--sample {args.sample}`; load average {load:.1f} at the start, {os.cpu_count()} cores", "",
             *report(stages, timings), ""]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"written to {output}")


if __name__ == "__main__":
    main()
