"""Opening a cycle on a generated city: a whole opening, and a re-run after one killed halfway.

    .venv/bin/python -m bench.cycle_membership --employees 300 --opds 6
    .venv/bin/python -m bench.cycle_membership --employees 300 --database-url postgresql+psycopg://...
    .venv/bin/python -m bench.cycle_membership --employees 300 --profile     # cProfile of the re-run, top 20

Timed on a fresh database each: the uninterrupted opening and a second run with nothing to do; the same
opening killed at the commit halfway through and run again (the re-run alone is timed); and a re-run after
new hires joined, where every calibration must take members it does not list yet. Messages routed during
each run are counted.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.db import make_engine, make_sessionmaker, upgrade
from engine.definitions import specs
from engine.definitions.validation import read_paths
from engine.runtime.events import messages
from workflows.appraisals import forms
from workflows.cycle import cycles
from workflows.models import Employee, Position, Unit
from workflows.organisation import org
from workflows.script_functions import register_all

T0 = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
PLACED = date(2026, 1, 2)
BPMN_DIR = Path(__file__).resolve().parent.parent / "bpmn"


def nip(n: int) -> str:
    """Return a structurally valid NIP for employee n."""
    return f"{1970 + n // 999}0101" f"2005011{n % 999 + 1:03d}"


def build_city(session: Session, employees: int, opds: int) -> None:
    """Make PEMKOT > OPD > 2 bidang, a head per unit and staff spread over the bidang."""
    pemkot = Unit(code="PEMKOT", name="Pemkot", kind="pemkot", public_service=False)
    walikota = Position(code="WALIKOTA", name="Wali Kota", kind="wali_kota", unit=pemkot)
    session.add_all([pemkot, walikota])
    pemkot.head_position = walikota
    count = [0]

    def person(position: Position) -> None:
        count[0] += 1
        employee = Employee(nip=nip(count[0]), name=f"Pegawai {count[0]}", kind="pns", status="aktif",
                            gender="L", updated_at=clock.now())
        session.add(employee)
        org.transfer(session, employee, position, PLACED)

    bidang_heads = []
    for o in range(opds):
        opd = Unit(code=f"OPD{o:02d}", name=f"Dinas {o}", kind="dinas", public_service=False, parent=pemkot)
        kadis = Position(code=f"KADIS{o:02d}", name=f"Kepala Dinas {o}", kind="jpt_pratama", unit=opd,
                         reports_to=walikota)
        session.add_all([opd, kadis])
        opd.head_position = kadis
        person(kadis)
        for b in range(2):
            bidang = Unit(code=f"OPD{o:02d}B{b}", name=f"Bidang {o}.{b}", kind="bidang", public_service=False,
                          parent=opd)
            kabid = Position(code=f"KABID{o:02d}{b}", name=f"Kepala Bidang {o}.{b}", kind="administrator",
                             unit=bidang, reports_to=kadis)
            session.add_all([bidang, kabid])
            bidang.head_position = kabid
            person(kabid)
            bidang_heads.append((bidang, kabid))
    staff = max(employees - count[0], 0)
    for i in range(staff):
        bidang, kabid = bidang_heads[i % len(bidang_heads)]
        position = Position(code=f"STAF{i:05d}", name=f"Pelaksana {i}", kind="pelaksana", unit=bidang,
                            reports_to=kabid)
        session.add(position)
        person(position)
    session.flush()


def add_hires(session: Session, per_opd: int) -> None:
    """Place per_opd new staff in every OPD's first bidang (they join the running calibrations)."""
    taken = session.execute(text("select count(*) from employee")).scalar_one()
    for head in session.query(Position).filter(Position.code.like("KABID%0")).all():
        for _ in range(per_opd):
            taken += 1
            position = Position(code=f"BARU{taken:05d}", name="Pelaksana baru", kind="pelaksana", unit=head.unit,
                                reports_to=head)
            employee = Employee(nip=nip(taken), name=f"Baru {taken}", kind="pns", status="aktif", gender="L",
                                updated_at=clock.now())
            session.add_all([position, employee])
            org.transfer(session, employee, position, PLACED)
    session.flush()


class Counted:
    """Count the messages routed while a run goes on."""

    def __init__(self) -> None:
        self.count = 0
        self.original = messages.route

    def __enter__(self) -> Counted:
        def counting(*args: Any, **kwargs: Any) -> int:
            self.count += 1
            return self.original(*args, **kwargs)
        messages.route = counting  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        messages.route = self.original  # type: ignore[assignment]


def opening(session: Session, commit: Callable[[], None]) -> None:
    """Open the 2027 cycle for the whole city."""
    cycles.open_cycle(session, 2027, actor="bench", commit=commit, confirm_late=True)


def killed_halfway(session: Session, total: int) -> None:
    """Run an opening and stop it right after its commit halfway."""
    count = [0]

    def commit() -> None:
        session.commit()
        count[0] += 1
        if count[0] == total // 2:
            raise KeyboardInterrupt

    try:
        opening(session, commit)
    except KeyboardInterrupt:
        session.rollback()


def fresh(url: str, employees: int, opds: int) -> Session:
    """Return a session on an empty, migrated database holding the city and the deployed bpmn/."""
    engine = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("drop schema public cascade"))
            conn.execute(text("create schema public"))
    engine.dispose()
    upgrade(url)
    session = make_sessionmaker(make_engine(url))()
    build_city(session, employees, opds)
    files = {n: d for n, d in read_paths([str(BPMN_DIR)]).items() if "/" not in n}
    specs.deploy(session, files, "bench")
    session.commit()
    return session


def timed(label: str, session: Session, action: Callable[[], None], profile: bool = False) -> None:
    """Run action, print its time and the messages it routed (and its profile when asked)."""
    profiler = cProfile.Profile() if profile else None
    with Counted() as counted:
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        action()
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - start
    print(f"{label:<44} {elapsed:8.2f} s  {counted.count:6d} messages")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(20)
        stats.print_stats(r"sync_memberships|\(route\)|\(restore\)|\(launch\)")  # the membership's share
        print(out.getvalue())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--opds", type=int, default=6)
    parser.add_argument("--hires", type=int, default=10, help="new hires per OPD for the third timing")
    parser.add_argument("--database-url")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    clock.set(T0)
    register_all()
    forms.register_all()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/whole.db"
        session = fresh(url, args.employees, args.opds)
        commits = [0]

        def counting() -> None:
            session.commit()
            commits[0] += 1
        timed(f"whole opening ({args.employees} employees)", session, lambda: opening(session, counting))
        timed("second run (nothing to do)", session, lambda: opening(session, session.commit))
        session.close()
        url = args.database_url or f"sqlite:///{folder}/killed.db"
        session = fresh(url, args.employees, args.opds)
        killed_halfway(session, commits[0])
        timed(f"re-run after a kill at commit {commits[0] // 2}/{commits[0]}", session,
              lambda: opening(session, session.commit), args.profile)
        add_hires(session, args.hires)
        session.commit()
        timed(f"re-run with {args.hires} new hires per OPD", session,
              lambda: opening(session, session.commit), args.profile)
        session.close()


if __name__ == "__main__":
    main()
