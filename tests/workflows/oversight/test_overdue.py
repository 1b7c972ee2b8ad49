"""`kinerja cycle overdue`: the pengelola kinerja sees every overdue cycle of the agency, with names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.definitions import specs
from engine.models import HumanTask, Instance
from engine.runtime.human_tasks import tasks
from engine.runtime.human_tasks.assignment import get_resolver, set_resolver
from engine.runtime.running import execution
from tests.conftest import worker_pass
from tests.workflows.conftest import Chart
from tests.workflows.lifecycle import T0, bpmn_files
from workflows.cycle import transfers
from workflows.cycle.cycles import open_cycle
from workflows.models import Employee, Position, Skp
from workflows.organisation import org
from workflows.organisation.lanes import LaneResolver
from workflows.oversight import overdue

NOW = datetime(2027, 2, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def lanes_from_chart() -> Iterator[None]:
    """Resolve lanes from the organisation chart, as the application does."""
    previous = get_resolver()
    set_resolver(LaneResolver())
    yield
    set_resolver(previous)


@pytest.fixture
def opened(session: Session, chart: Chart, script_functions: None, lanes_from_chart: None) -> Chart:
    """The chart with bpmn/ deployed and the city's 2027 cycle open (DISDUK and SETDA)."""
    clock.set(T0)
    specs.deploy(session, bpmn_files(), "process-owner")
    session.commit()
    open_cycle(session, 2027, None, actor="tester", commit=session.commit)
    return chart


def open_task(session: Session, employee: Employee, bpmn_id: str) -> HumanTask:
    skp = session.execute(select(Skp).where(Skp.employee_id == employee.id).order_by(Skp.id.desc())).scalars().first()
    assert skp is not None
    return session.execute(select(HumanTask).where(HumanTask.instance_id == skp.instance_id,
                                                   HumanTask.bpmn_id == bpmn_id,
                                                   HumanTask.state == "open")).scalar_one()


def complete(session: Session, task: HumanTask, data: dict[str, object]) -> None:
    tasks.complete(session, task.id, task.assignee or "", data)
    session.commit()


def agree(session: Session, chart: Chart, name: str) -> None:
    """The employee drafts the SKP and the appraiser agrees to it."""
    employee = chart.people[name]
    complete(session, open_task(session, employee, "Task_susun_skp"),
             {"skp": {"rhk": [{"uraian": "Layanan KTP-el", "target": 100}]}})
    complete(session, open_task(session, employee, "Task_tinjau_skp"), {"keputusan_skp": "setuju"})
    complete(session, open_task(session, employee, "Task_tandatangani_skp"), {"setuju_pegawai_skp": True})


def test_the_agencys_overdue_cycles_at_every_stage_most_overdue_first(cli, session: Session, opened: Chart):
    people = opened.people
    # Staf submitted in time; the kasi has not reviewed it (the planning stage waits for the appraiser).
    complete(session, open_task(session, people["staf"], "Task_susun_skp"),
             {"skp": {"rhk": [{"uraian": "Layanan KTP-el", "target": 100}]}})
    # Fungsional agreed the SKP and moved on 20 January: the kabid owes the partial-period rating.
    agree(session, opened, "fungsional")
    clock.set(datetime(2027, 1, 20, 1, 0, tzinfo=UTC))
    staf3 = Position(code="STAF3", name="Jabatan STAF3", kind="pelaksana", unit=opened.units["SEKSI"],
                     reports_to=opened.positions["KASI"])
    session.add(staf3)
    org.transfer(session, people["fungsional"], staf3, date(2027, 1, 20))
    transfers.restart_after_transfer(session, people["fungsional"], 2027, "pengelola1")
    session.commit()

    clock.set(NOW)
    with pytest.MonkeyPatch.context() as patch:  # read from the rows: no workflow is restored
        patch.setattr(execution, "load_state", lambda *args: pytest.fail("overdue restored a workflow"))
        rows = overdue.overdue(session, "DISDUK")
    by_nip = {(row.nip, row.tugas): row for row in rows}
    # The ones who never drafted their SKP, the review owed to staf, the partial rating owed to fungsional.
    late_drafts = {people[name].nip for name in ("kadis", "kabid", "kasi", "koordinator", "staf2")}
    # The task column is the title the inbox shows: the task, whose appraisal, which year.
    def title(task: str, name: str) -> str:
        return f"{task} — {people[name].name} ({people[name].nip}) — 2027"

    assert {nip for nip, task in by_nip if task.startswith("Susun SKP —")} == late_drafts
    assert all((people[name].nip, title("Susun SKP", name)) in by_nip
               for name in ("kadis", "kabid", "kasi", "koordinator", "staf2"))
    review = by_nip[(people["staf"].nip, title("Tinjau SKP", "staf"))]
    assert (review.nama, review.unit_kode, review.tahap, review.penerima) == (
        "staf", "SEKSI", "Perencanaan SKP", people["kasi"].nip)
    fungsional = people["fungsional"]
    partial = by_nip[(fungsional.nip, f"Nilai periode parsial (mutasi) — {fungsional.name} ({fungsional.nip}) — "
                                      "2027-01-01 s.d. 2027-01-19")]
    assert (partial.tahap, partial.penerima, partial.unit_kode) == (
        "Penilaian periode parsial (mutasi)", people["kabid"].nip, "BIDANG")
    # Fungsional's new SKP is due 30 days after the transfer: not overdue yet.
    assert (fungsional.nip, title("Susun SKP", "fungsional")) not in by_nip
    # Days overdue count from the due date in Samarinda; the most overdue come first.
    local_today = NOW.astimezone(clock.local_tz).date()
    assert review.hari_terlambat == (local_today - review.batas.astimezone(clock.local_tz).date()).days > 0
    assert partial.hari_terlambat < review.hari_terlambat
    assert [row.batas for row in rows] == sorted(row.batas for row in rows)
    assert rows[-1] == partial
    # Only the agency's own employees: the Sekda (SETDA) is late too, but not in Disdukcapil's list.
    assert people["sekda"].nip not in {row.nip for row in rows}
    assert {row.nip for row in overdue.overdue(session, "SETDA")} == {people["sekda"].nip}
    # A sub-unit sees its own; another year sees nothing.
    assert {row.nip for row in overdue.overdue(session, "SEKSI")} == {
        people[name].nip for name in ("kasi", "koordinator", "staf2", "staf")}
    assert overdue.overdue(session, "DISDUK", 2026) == []

    # The command: JSON for tools, a table with names for people, same order.
    review_title = review.tugas
    session.rollback()
    listed = json.loads(cli("cycle", "overdue", "--unit", "DISDUK", "--tahun", "2027", "--json"))
    assert [(r["nip"], r["tugas"], r["hari_terlambat"]) for r in listed] == [
        (r.nip, r.tugas, r.hari_terlambat) for r in rows]
    table = cli("cycle", "overdue", "--unit", "DISDUK")
    assert "staf" in table and review_title in table and f"{len(rows)} terlambat di DISDUK" in table
    assert "error" in cli("cycle", "overdue", "--unit", "NOPE", code=1)


def test_a_cycle_waiting_past_a_deadline_is_listed(session: Session, opened: Chart):
    staf = opened.people["staf"]
    agree(session, opened, "staf")
    skp = session.execute(select(Skp).where(Skp.employee_id == staf.id)).scalar_one()
    # Nothing open now: the cycle waits for the first period's realisation task to open.
    due = session.execute(select(Instance.next_timer_at).where(Instance.id == skp.instance_id)).scalar_one()
    assert due is not None

    def staf_rows(now: datetime) -> list[overdue.Overdue]:
        return [row for row in overdue.overdue(session, "SEKSI", 2027, now=now) if row.nip == staf.nip]

    assert staf_rows(due - timedelta(hours=1)) == []
    # The deadline passed and no worker acted on it: listed as waiting past a stage deadline.
    [row] = staf_rows(due + timedelta(days=2))
    assert (row.tahap, row.batas, row.hari_terlambat, row.task_id) == (overdue.WAITING, due, 2, None)
    # Once the worker moved the cycle on, it is no longer waiting.
    worker_pass(session, due + timedelta(seconds=1))
    assert all(row.tahap != overdue.WAITING for row in staf_rows(due + timedelta(days=2)))
