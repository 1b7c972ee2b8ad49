"""`kinerja cycle transfer`: the cycles of employees moved by an import follow them, and only them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.definitions import specs
from engine.errors import KinerjaError
from engine.models import HumanTask, Instance
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import instances
from tests.workflows.conftest import Chart
from tests.workflows.lifecycle import T0, bpmn_files
from workflows.appraisals.records import RecordInvalid
from workflows.cycle import partial_period, transfers
from workflows.cycle.cycles import open_cycle
from workflows.models import Rating, Skp
from workflows.organisation import org
from workflows.script_functions.follow_up import tambah_durasi


@pytest.fixture
def opened(session: Session, chart: Chart, script_functions: None) -> Chart:
    """The chart with bpmn/ deployed and the 2027 cycle of BIDANG (and SEKSI) open."""
    clock.set(T0)
    specs.deploy(session, bpmn_files(), "process-owner")
    session.commit()
    open_cycle(session, 2027, "BIDANG", actor="tester", commit=session.commit)
    return chart


def test_moved_employees_are_found_and_their_cycles_follow_them(cli, session: Session, opened: Chart):
    staf = opened.people["staf"]
    assert transfers.moved_employees(session, 2027) == []
    # An import moves the staff member from the seksi to the bidang's functional position.
    org.transfer(session, staf, opened.positions["JF"], date(2027, 3, 1))
    session.commit()
    assert [e.nip for e in transfers.moved_employees(session, 2027)] == [staf.nip]

    session.rollback()
    out = cli("cycle", "transfer", "--all", "--year", "2027", "--actor", "bkpsdm")
    assert f"{staf.nip}: new cycle skp:2027:{staf.nip}:2" in out and "1 cycle(s) moved, 0 problem(s)" in out
    assert "rates the months" not in out  # a plan never agreed has no partial period to rate
    session.expire_all()
    old = session.execute(select(Instance).where(Instance.business_key == f"skp:2027:{staf.nip}")).scalar_one()
    assert (old.status, old.status_reason) == ("terminated", "Mutasi ke JF (Jabatan JF)")
    new = session.execute(select(Instance).where(
        Instance.business_key == f"skp:2027:{staf.nip}:2")).scalar_one()
    data = instances.variables(instances.load(session, new.id))
    assert (data["unit_kode"], data["jabatan_kode"], data["jabatan_penilai_kode"]) == ("BIDANG", "JF", "KABID")
    skps = list(session.execute(select(Skp).where(Skp.employee_id == staf.id).order_by(Skp.id)).scalars())
    assert [(s.status, s.period_start) for s in skps] == [("ditutup", date(2027, 1, 1)), ("draft", date(2027, 3, 1))]
    # A plan never agreed has nothing to rate: it closes at once, with no partial-period rating.
    assert session.execute(select(Instance).where(Instance.process_id == partial_period.PROCESS_ID)).first() is None
    # The seksi and the bidang are calibrated with their dinas: the move keeps them in the same calibration.
    calibrations = {i.business_key: instances.variables(instances.load(session, i.id))["pegawai"]
                    for i in session.execute(select(Instance).where(
                        Instance.process_id == "kalibrasi_unit")).scalars()}
    assert list(calibrations) == ["kalibrasi:2027:DISDUK"]
    assert calibrations["kalibrasi:2027:DISDUK"].count(staf.nip) == 1
    assert data["unit_kalibrasi_kode"] == "DISDUK"
    session.rollback()
    # Nothing is left to move: a second run changes nothing.
    assert "0 cycle(s) moved" in cli("cycle", "transfer", "--all", "--year", "2027")


def test_the_command_needs_nips_or_all_and_reports_problems(cli, session: Session, opened: Chart):
    assert "give NIPs or --all" in cli("cycle", "transfer", "--year", "2027", code=1)
    session.rollback()
    assert "199912312020121001" in cli("cycle", "transfer", "199912312020121001", "--year", "2027", code=1)


def test_an_agreed_plan_is_rated_for_the_months_before_the_transfer(cli, session: Session, opened: Chart):
    staf, kasi = opened.people["staf"], opened.people["kasi"]
    old = session.execute(select(Skp).where(Skp.employee_id == staf.id)).scalar_one()
    for bpmn_id, actor, data in (("Task_susun_skp", staf.nip, {"skp": {"rhk": [{"uraian": "Layanan", "target": 1}]}}),
                                 ("Task_tinjau_skp", kasi.nip, {"keputusan_skp": "setuju"})):
        task = session.execute(select(HumanTask).where(HumanTask.instance_id == old.instance_id,
                                                       HumanTask.bpmn_id == bpmn_id,
                                                       HumanTask.state == "open")).scalar_one()
        tasks.complete(session, task.id, actor, data)
        session.commit()
    clock.set(datetime(2027, 3, 2, 1, 0, tzinfo=UTC))
    org.transfer(session, staf, opened.positions["JF"], date(2027, 3, 1))
    session.commit()
    assert "--batas-skp-pindah" in cli("cycle", "transfer", staf.nip, "--year", "2027",
                                       "--batas-skp-pindah", "30 hari", code=2)
    session.rollback()
    out = cli("cycle", "transfer", staf.nip, "--year", "2027", "--batas-skp-pindah", "P14D")
    assert f"{staf.nip}: the old appraiser rates the months before the transfer (parsial:2027:{old.id})" in out
    session.expire_all()

    # The new SKP is due 14 days (this cycle's choice) after the transfer date.
    new = session.execute(select(Instance).where(Instance.business_key == f"skp:2027:{staf.nip}:2")).scalar_one()
    data = instances.variables(instances.load(session, new.id))
    assert (data["tanggal_mutasi"], data["batas_skp"]) == ("2027-03-01", "2027-03-15T23:59:59+08:00")
    # The old SKP stays open until the kasi, its appraiser, rated January and February.
    assert session.get(Skp, old.id).status == "disetujui"  # type: ignore[union-attr]
    assert transfers.moved_employees(session, 2027) == []  # the open old SKP is not a second move
    partial = session.execute(select(Instance).where(
        Instance.business_key == partial_period.partial_key(old))).scalar_one()
    rate = session.execute(select(HumanTask).where(HumanTask.instance_id == partial.id,
                                                   HumanTask.state == "open")).scalar_one()
    assert (rate.bpmn_id, rate.assignee) == ("Task_nilai_periode_parsial", kasi.nip)
    # The rater sees whose months, from when to when.
    shown = {f["id"]: f["value"] for f in rate.form["fields"] if f["readonly"]}
    assert shown == {"nama": staf.name, "periode_mulai": "2027-01-01", "periode_sampai": "2027-02-28"}
    with pytest.raises(KinerjaError):  # a rating outside the scale is refused and changes nothing
        tasks.complete(session, rate.id, kasi.nip, {"hasil_kerja": "luar_biasa", "perilaku": "sesuai"})
    session.rollback()
    tasks.complete(session, rate.id, kasi.nip, {"hasil_kerja": "di_bawah", "perilaku": "di_bawah"})
    session.commit()
    session.expire_all()
    found = partial_period.partial_period_of(session, session.get(Skp, old.id))  # type: ignore[arg-type]
    assert found is not None
    rating, period = found
    assert (rating.period, rating.rated_by, period.period_start, period.period_end) == (
        "parsial", kasi.nip, date(2027, 1, 1), date(2027, 2, 28))
    assert rating.predikat_usulan == "sangat_kurang"  # predikat_kinerja.dmn: both below expectations
    closed = session.get(Skp, old.id)
    assert closed is not None and closed.status == "ditutup" and closed.closed_reason == "Mutasi ke JF (Jabatan JF)"
    # A partial rating proposes no annual predikat: the year's predikat comes from the new SKP.
    assert session.execute(select(Rating).where(Rating.skp_id == old.id, Rating.period == "akhir")).first() is None


def test_deadlines_counted_from_the_transfer_date_refuse_a_bad_duration():
    assert tambah_durasi("2027-07-01T23:59:59+08:00", "P30D") == "2027-07-31T23:59:59+08:00"
    assert tambah_durasi("2027-07-01T23:59:59+08:00", "P1M") == "2027-08-01T23:59:59+08:00"
    with pytest.raises(RecordInvalid, match="ISO duration"):
        tambah_durasi("2027-07-01T23:59:59+08:00", "30 hari")
    with pytest.raises(RecordInvalid, match="ISO date-time"):
        tambah_durasi("1 Juli", "P30D")
