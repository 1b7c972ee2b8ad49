"""Micro-measure: a script calling a registered function that does an ORM lookup, traced or not.

    .venv/bin/python -m bench.script_budget [--calls 2000] [--profile]

Three ways of running the same lookup (`select(SpecVersion)` by process id on a SQLite temp database):
  * plain:    the function called directly, no sandbox;
  * traced:   the script calls it as an extra global, so the time budget's trace hook sees every
              Python call inside SQLAlchemy (how every registered function ran before);
  * untraced: the script calls it as a registered function (`register_function`), which runs with the
              trace hook suspended and restored on return (`engine.sandbox.budget.untraced`).
Prints the mean per call of each, in ms. A timing script, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from engine.db import make_engine, make_sessionmaker, upgrade
from engine.models import SpecVersion
from engine.sandbox import SandboxEnvironment, register_function


def _lookup_in(session: Any) -> Callable[[str], int]:
    def lookup(process_id: str) -> int:
        """The kind of query a script function runs: one row by key, through the ORM."""
        session.expire_all()
        row = session.execute(select(SpecVersion).where(SpecVersion.process_id == process_id)).scalars().first()
        return 0 if row is None else row.version
    return lookup


def _per_call_ms(run: Callable[[], Any], calls: int) -> float:
    run()  # warm caches (compiled script, SQLAlchemy statement cache)
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000 / calls


def measure(calls: int, profile: bool) -> dict[str, float]:
    """Return the mean ms per lookup for plain, traced and untraced calls."""
    folder = tempfile.mkdtemp(prefix="kinerja-budget-")
    url = "sqlite:///" + os.path.join(folder, "bench.db")
    upgrade(url)
    session = make_sessionmaker(make_engine(url))()
    lookup = _lookup_in(session)
    register_function("bench_lookup", lookup)
    script = f"total = 0\nfor i in range({calls}):\n    total = total + {{name}}('siklus_kinerja')"
    traced_env = SandboxEnvironment(extra_globals={"bench_lookup_traced": lookup}, step_budget_seconds=600)
    untraced_env = SandboxEnvironment(step_budget_seconds=600)

    def plain() -> None:
        for _ in range(calls):
            lookup("siklus_kinerja")

    def traced() -> None:
        traced_env.execute(script.format(name="bench_lookup_traced"), {})

    def untraced() -> None:
        untraced_env.execute(script.format(name="bench_lookup"), {})

    results = {name: _per_call_ms(run, calls) for name, run in
               (("plain", plain), ("traced", traced), ("untraced", untraced))}
    if profile:
        for name, run in (("traced", traced), ("untraced", untraced)):
            print(f"--- cProfile of {name}, top 12 by total time")
            profiler = cProfile.Profile()
            profiler.runcall(run)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    session.close()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.script_budget", description=__doc__)
    parser.add_argument("--calls", type=int, default=2000, help="lookups per measurement")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of both sandboxed runs")
    args = parser.parse_args(argv)
    results = measure(args.calls, args.profile)
    for name, ms in results.items():
        print(f"{name:>9}: {ms:.3f} ms per lookup")
    print(f"traced / untraced: {results['traced'] / results['untraced']:.2f}x; "
          f"untraced / plain: {results['untraced'] / results['plain']:.2f}x")


if __name__ == "__main__":
    main()
