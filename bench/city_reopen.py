"""Opening a cycle killed halfway and run again, on a generated city (`python -m bench.city --reopen`).

(a) An uninterrupted `open_cycle` (as `kinerja cycle open`) on a fresh database, timed. (b) On a second
fresh database, the same opening in a child process (`python -m bench.city_reopen --child URL`) killed
with SIGKILL once about half of the employees' cycles are committed (the parent polls the instance
count), then `open_cycle` again in this process, timed. The end states are compared: instances per
process, open user tasks per process and assignee, duplicate business keys, every calibration's member
list against the records, and `kinerja audit verify`.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.audit import checks
from engine.clock import clock
from engine.db import make_engine, make_sessionmaker
from engine.elements.message_events import _agree
from engine.models import HumanTask, Instance, MessageSubscription
from engine.runtime.events import messages
from engine.runtime.lifecycle import instances
from workflows.calibration import calibration_units
from workflows.cycle.cycles import CycleSettings, open_cycle

from . import city_open, org_gen
from .kinerja import Factory, database

ROOT = Path(__file__).resolve().parents[1]
#: Seconds between two looks at the instance count while the killed run works.
POLL = 0.2


def _url(factory: Factory) -> str:
    return str(factory.kw["bind"].url.render_as_string(hide_password=False))


def timed_open(factory: Factory) -> tuple[float, float, int]:
    """Run open_cycle in this process; return its wall and CPU seconds and the messages it routed."""
    routed = [0]
    original = messages.route

    def counting(*args: Any, **kwargs: Any) -> int:
        routed[0] += 1
        return original(*args, **kwargs)

    messages.route = counting  # type: ignore[assignment]
    try:
        with factory() as session:
            began, cpu = perf_counter(), time.process_time()
            open_cycle(session, city_open.YEAR, None, actor=city_open.ACTOR, settings=CycleSettings(),
                       commit=session.commit)
            return perf_counter() - began, time.process_time() - cpu, routed[0]
    finally:
        messages.route = original  # type: ignore[assignment]


def cycles_committed(factory: Factory) -> int:
    """Return how many employees' cycles the database holds (0 while a writer holds SQLite's lock)."""
    try:
        with factory() as session:
            return int(session.execute(select(func.count()).select_from(Instance).where(
                Instance.process_id == "siklus_kinerja")).scalar_one())
    except OperationalError:
        return 0


def killed_run(factory: Factory, half: int) -> dict[str, Any]:
    """Run the opening in a child process and SIGKILL it once `half` cycles are committed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-m", "bench.city_reopen", "--child", _url(factory)], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    before = _children_cpu()
    began, cpu_began = map(float, child.stdout.readline().split())  # the child's clocks as open_cycle began
    seen = 0
    while child.poll() is None:
        seen = cycles_committed(factory)
        if seen >= half:
            os.kill(child.pid, signal.SIGKILL)
            break
        time.sleep(POLL)
    killed_at = time.time()
    child.wait()
    return {"seconds_before_kill": killed_at - began, "cpu_before_kill": _children_cpu() - before - cpu_began,
            "cycles_at_kill": cycles_committed(factory),
            "killed": child.returncode == -signal.SIGKILL, "seen": seen}


def lookups(factory: Factory, sample: int = 50) -> dict[str, Any]:
    """Time finding the receivers of one message: every subscription of the name matched in Python (as
    before) vs the indexed lookup, for `sample` waiting instances of the most subscribed message."""
    with factory() as session:
        counts = session.execute(select(MessageSubscription.message_name, func.count()).group_by(
            MessageSubscription.message_name).order_by(func.count().desc())).all()
        name, waiting = counts[0]
        rows = session.execute(select(MessageSubscription.instance_id, MessageSubscription.correlations).where(
            MessageSubscription.message_name == name).order_by(MessageSubscription.id).limit(sample)).all()
        timings = {"all of the name": 0.0, "indexed": 0.0}
        for instance_id, correlations in rows:
            began = perf_counter()
            found = {i for i, expected in session.execute(select(
                MessageSubscription.instance_id, MessageSubscription.correlations).where(
                MessageSubscription.message_name == name)) if _agree(expected, correlations)}
            timings["all of the name"] += perf_counter() - began
            began = perf_counter()
            indexed = {i for i, expected in messages._candidates(session, name, correlations)
                       if _agree(expected, correlations)}
            timings["indexed"] += perf_counter() - began
            assert instance_id in indexed and indexed == found, (name, correlations)
    return {"name": name, "waiting": waiting, "sample": len(rows), **timings}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def end_state(factory: Factory) -> dict[str, Any]:
    """Return what an opening leaves, in the terms the comparison uses."""
    with factory() as session:
        per_process = Counter(dict(session.execute(select(Instance.process_id, func.count()).group_by(
            Instance.process_id)).all()))
        tasks = Counter({(p, a): n for p, a, n in session.execute(select(
            Instance.process_id, HumanTask.assignee, func.count()).join(Instance, Instance.id == HumanTask.instance_id)
            .where(HumanTask.state == "open").group_by(Instance.process_id, HumanTask.assignee))})
        duplicates = session.execute(select(func.count()).select_from(select(Instance.business_key).group_by(
            Instance.process_id, Instance.business_key).having(func.count() > 1).subquery())).scalar_one()
        members = _members(session)
        breaches = checks.verify(session)
    return {"per_process": per_process, "tasks": tasks, "duplicates": duplicates, "members": members,
            "breaches": len(breaches)}


def _members(session: Session) -> dict[str, Any]:
    """Return each calibration's member list, and how many differ from the records."""
    on_record = calibration_units.members_by_unit(session, city_open.YEAR)
    lists, wrong = {}, {}
    for row_id, key in session.execute(select(Instance.id, Instance.business_key).where(
            Instance.process_id == "kalibrasi_unit")):
        listed = sorted(instances.variables(instances.load(session, row_id)).get("pegawai") or [])
        lists[key] = listed
        recorded = on_record.get(key.rsplit(":", 1)[1], [])
        if listed != recorded:
            wrong[key] = {"not on record": sorted(set(listed) - set(recorded)),
                          "not listed": sorted(set(recorded) - set(listed))}
    return {"lists": lists, "differ_from_records": wrong}


def measure(employees: int, url: str | None) -> dict[str, Any]:
    """Time the uninterrupted opening and the re-run after a kill halfway; compare their end states."""
    csv_data = org_gen.write_csv(employees)
    clock.set(city_open.T0)
    try:
        with database(url) as factory:
            city_open.prepare(factory, csv_data)
            whole, whole_cpu, whole_routed = timed_open(factory)
            expected = end_state(factory)
        total_cycles = expected["per_process"]["siklus_kinerja"]
        with database(url) as factory:
            city_open.prepare(factory, csv_data)
            kill = killed_run(factory, total_cycles // 2)
            rerun, rerun_cpu, rerun_routed = timed_open(factory)
            got = end_state(factory)
            lookup = lookups(factory)
    finally:
        clock.set(None)
    left = total_cycles - kill["cycles_at_kill"]
    return {"employees": csv_data.count(b"\n") - 2, "whole": whole, "whole_routed": whole_routed,
            "rerun": rerun, "rerun_routed": rerun_routed, "whole_cpu": whole_cpu, "rerun_cpu": rerun_cpu,
            "kill": kill, "cycles": total_cycles, "left": left, "lookup": lookup,
            "expected": expected, "got": got}


def section(employees: int, url: str | None) -> list[str]:
    """Return the Markdown lines of the killed-and-re-run measurement."""
    out = measure(employees, url)
    kill, expected, got = out["kill"], out["expected"], out["got"]
    fraction = out["left"] / out["cycles"]
    same = {name: expected[name] == got[name] for name in ("per_process", "tasks")}
    same["members"] = expected["members"]["lists"] == got["members"]["lists"]
    lines = [
        f"## 3. Opening killed halfway and run again ({out['employees']} employees)", "",
        "| run | wall s | CPU s (this process) | cycles started | messages routed |", "|---|---|---|---|---|",
        f"| (a) uninterrupted opening | {out['whole']:.2f} | {out['whole_cpu']:.2f} | {out['cycles']} | "
        f"{out['whole_routed']} |",
        f"| (b1) child process, SIGKILL at {kill['cycles_at_kill']} cycles committed "
        f"({'killed' if kill['killed'] else 'NOT killed: it finished'}) | {kill['seconds_before_kill']:.2f} | "
        f"{kill['cpu_before_kill']:.2f} | {kill['cycles_at_kill']} | |",
        f"| (b2) re-run | {out['rerun']:.2f} | {out['rerun_cpu']:.2f} | {out['left']} | {out['rerun_routed']} |",
        "", "Re-run vs the rest of the work (the CPU figures are the steadier on a shared machine):", "",
        "| measure | rest of the work: (a) - (b1) | re-run / it | (a)'s share for the cycles left | re-run / it |",
        "|---|---|---|---|---|"]
    for label, whole, before, rerun in (("wall", out["whole"], kill["seconds_before_kill"], out["rerun"]),
                                         ("CPU", out["whole_cpu"], kill["cpu_before_kill"], out["rerun_cpu"])):
        rest, share = whole - before, whole * fraction
        lines.append(f"| {label} | {rest:.2f} s | **{rerun / rest:.2f}x** | {share:.2f} s | "
                     f"**{rerun / share:.2f}x** |")
    return [
        *lines, "", f"End state (b) vs (a): instances per process {_word(same['per_process'])} "
        f"({dict(got['per_process'])}), open user tasks per process and assignee {_word(same['tasks'])} "
        f"({sum(got['tasks'].values())} tasks), calibration member lists {_word(same['members'])}; "
        f"duplicate business keys {expected['duplicates']} / {got['duplicates']}, calibrations whose members "
        f"differ from the records {len(expected['members']['differ_from_records'])} / "
        f"{len(got['members']['differ_from_records'])}, audit verify breaches {expected['breaches']} / "
        f"{got['breaches']}.", "", *_differences(expected, got), *_lookup_lines(out["lookup"])]


def _lookup_lines(lookup: dict[str, Any]) -> list[str]:
    ms = {k: 1000 * lookup[k] / lookup["sample"] for k in ("all of the name", "indexed")}
    return [f"Finding the receivers of `{lookup['name']}` ({lookup['waiting']} instances waiting), "
            f"{lookup['sample']} messages, same receivers found: every subscription of the name matched in "
            f"Python {ms['all of the name']:.2f} ms per message, indexed lookup {ms['indexed']:.2f} ms "
            f"(**{ms['all of the name'] / ms['indexed']:.1f}x** faster).", ""]


def _differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Return what differs, for a reader to follow up (at most ten items of each)."""
    lines = []
    tasks = sorted(set(expected["tasks"]) | set(got["tasks"]), key=str)
    changed = [f"{key}: {expected['tasks'][key]} -> {got['tasks'][key]}" for key in tasks
               if expected["tasks"][key] != got["tasks"][key]]
    if changed:
        lines.append(f"Open user tasks (process, assignee) that differ ({len(changed)}): {'; '.join(changed[:10])}.")
    for label, out in (("uninterrupted", expected), ("re-run", got)):
        for key, diff in list(out["members"]["differ_from_records"].items())[:10]:
            lines.append(f"Calibration {key} after the {label} run vs the records: {diff}.")
    return [*lines, ""] if lines else []


def _word(same: bool) -> str:
    return "the same" if same else "DIFFERENT"


def child(url: str) -> None:
    """Open the cycle on an existing prepared database, printing the wall clock as it begins (to be killed)."""
    city_open.configure()
    clock.set(city_open.T0)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        print(time.time(), time.process_time(), flush=True)
        open_cycle(session, city_open.YEAR, None, actor=city_open.ACTOR, settings=CycleSettings(),
                   commit=session.commit)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the child process (the measurement runs from bench.city --reopen)."""
    parser = argparse.ArgumentParser(prog="python -m bench.city_reopen")
    parser.add_argument("--child", metavar="URL", required=True, help="open the cycle on this database")
    child(parser.parse_args(argv).child)


if __name__ == "__main__":
    main()
