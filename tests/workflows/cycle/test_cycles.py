"""Opening a cycle: calibrations first, start variables from the chart, skips, idempotence, scope, CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.definitions import specs
from engine.errors import NotFound
from engine.models import AuditEvent, Instance
from engine.runtime.lifecycle import instances
from tests.workflows.conftest import Chart, make_nip
from tests.workflows.lifecycle import BATAS_SKP, BPMN_DIR, PENGINGAT_SKP, T0, bpmn_files
from workflows.appraisals.records import RecordInvalid
from workflows.cycle import cycles, periods
from workflows.cycle.cycles import CycleSettings, open_cycle
from workflows.models import Employee, Skp
from workflows.organisation import org
from workflows.organisation.org import OrgSettings
from workflows.planning import skp as skp_records
from workflows.rating import ratings


@pytest.fixture
def deployed(session: Session, chart: Chart, script_functions: None) -> Chart:
    """Deploy bpmn/ with the clock at T0 and add an employee on unpaid leave (cltn) to the chart.

    Each cycle opens its SKP at the start (`siapkan_skp`), so the script functions are registered.
    """
    clock.set(T0)
    specs.deploy(session, bpmn_files(), "process-owner")
    chart.person("cuti", "STAF", status="cltn")
    session.commit()
    return chart


def _open(session: Session, unit: str | None = None, **kwargs: Any) -> cycles.CycleSummary:
    return open_cycle(session, 2027, unit, actor="tester", commit=session.commit, **kwargs)


def _started(session: Session, process_id: str) -> dict[str, dict[str, Any]]:
    """Return {business key: start variables} of the instances of a process, in start order."""
    rows = session.execute(select(Instance.business_key, AuditEvent.data).join(
        AuditEvent, AuditEvent.instance_id == Instance.id).where(
        Instance.process_id == process_id, AuditEvent.event_type == "instance_started").order_by(Instance.id))
    return {key: json.loads(data)["data"] for key, data in rows}


def test_calibrations_then_cycles_with_the_start_variables_of_the_contract(session, deployed):
    people = {name: e.nip for name, e in deployed.people.items()}
    summary = _open(session)
    calibration, cycle = summary.kinds["kalibrasi_unit"], summary.kinds["siklus_kinerja"]
    # One calibration per OPD: the bidang and seksi are calibrated with their dinas.
    assert sorted(calibration.started) == ["DISDUK", "SETDA"]
    assert sorted(cycle.started) == sorted(people[n] for n in ("sekda", "kadis", "kabid", "kasi", "staf",
                                                               "fungsional", "koordinator", "staf2"))
    assert cycle.skipped == [(people["cuti"], "status cltn")]
    assert cycle.problems == [(people["cadangan"], "has no position")]
    assert calibration.problems == [] and calibration.existing == [] and cycle.existing == []

    units = _started(session, "kalibrasi_unit")
    assert units["kalibrasi:2027:DISDUK"] == {"unit_kode": "DISDUK", "unit_nama": "Unit DISDUK", "tahun": 2027,
                                              "pegawai": sorted(
        people[n] for n in ("kadis", "kabid", "kasi", "staf", "fungsional", "koordinator", "staf2"))}
    assert units["kalibrasi:2027:SETDA"]["pegawai"] == [people["sekda"]]
    first_cycle = session.execute(select(Instance.id).where(Instance.process_id == "siklus_kinerja")
                                  .order_by(Instance.id)).scalars().first()
    assert all(i < first_cycle for i in session.execute(select(Instance.id).where(
        Instance.process_id == "kalibrasi_unit")).scalars())  # no proposal can be sent before its calibration
    assert session.execute(select(AuditEvent.id).where(AuditEvent.event_type == "message_undelivered")).first() is None

    started = _started(session, "siklus_kinerja")
    staf2 = started[f"skp:2027:{people['staf2']}"]
    assert staf2 == {
        "nip": people["staf2"], "nama": "staf2", "tahun": 2027, "unit_kode": "SEKSI",
        "unit_kalibrasi_kode": "DISDUK", "unit_kalibrasi_nama": "Unit DISDUK", "jabatan_kode": "STAF2",
        "jabatan_penilai_kode": "KASI", "jabatan_atasan_penilai_kode": "KABID", "is_kepala_unit": False,
        "predikat_tahun_lalu": None}
    # Nothing was set for this cycle: the deadlines and windows are the defaults written in the BPMN.
    variables = instances.variables(instances.load(session, session.execute(select(Instance.id).where(
        Instance.business_key == f"skp:2027:{people['staf2']}")).scalar_one()))
    assert {k: variables[k] for k in ("batas_skp", "pengingat_skp", "jenis_periode", "batas_pengisian_periode",
                                      "buka_realisasi", "mulai_penilaian_tahunan", "batas_penilaian_tahunan",
                                      "batas_umpan_balik", "jendela_keberatan", "masa_perbaikan",
                                      "pakai_umpan_balik_rekan")} == {
        "batas_skp": BATAS_SKP, "pengingat_skp": PENGINGAT_SKP, "jenis_periode": "triwulanan",
        "batas_pengisian_periode": "P5D", "buka_realisasi": "P7D",
        "mulai_penilaian_tahunan": "2028-01-01T00:00:00+08:00", "batas_penilaian_tahunan": "2028-01-31T23:59:59+08:00",
        "batas_umpan_balik": "P14D", "jendela_keberatan": "P14D", "masa_perbaikan": "P6M",
        "pakai_umpan_balik_rekan": False}
    # The leader above each calibration unit (the OPD) rates it per period: one capaian_unit_periodik each.
    assert _started(session, "capaian_unit_periodik")["capaian:2027:DISDUK"] == {
        "unit_kode": "DISDUK", "unit_nama": "Unit DISDUK", "tahun": 2027}
    chain = {nip: (d["jabatan_penilai_kode"], d["jabatan_atasan_penilai_kode"], d["is_kepala_unit"])
             for nip, d in ((d["nip"], d) for d in started.values())}
    assert chain[people["kasi"]] == ("KABID", "KADIS", True)
    assert chain[people["kabid"]] == ("KADIS", "WALIKOTA", True)
    assert chain[people["kadis"]] == ("WALIKOTA", "WALIKOTA", True)  # the Wali Kota has no superior
    assert chain[people["sekda"]] == ("WALIKOTA", "WALIKOTA", True)
    assert chain[people["fungsional"]] == ("KABID", "KADIS", False)


def test_a_second_run_starts_nothing_and_an_interrupted_run_resumes(session, deployed, monkeypatch):
    monkeypatch.setattr(cycles, "BATCH_SIZE", 3)
    commits = []

    def interrupted() -> None:
        session.commit()
        commits.append(1)
        if len(commits) == 3:  # the calibrations, the periodic unit ratings and one batch of cycles are in
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        open_cycle(session, 2027, actor="tester", commit=interrupted)
    session.rollback()
    assert len(_started(session, "siklus_kinerja")) == 3
    resumed = _open(session)
    assert len(resumed.kinds["kalibrasi_unit"].existing) == 2 and resumed.kinds["kalibrasi_unit"].started == []
    assert (len(resumed.kinds["siklus_kinerja"].existing), len(resumed.kinds["siklus_kinerja"].started)) == (3, 5)
    again = _open(session)
    assert again.kinds["siklus_kinerja"].started == [] and len(again.kinds["siklus_kinerja"].existing) == 8
    assert session.execute(select(Instance.id)).all().__len__() == 12


def test_unit_scope_and_settings(session, deployed):
    people = {name: e.nip for name, e in deployed.people.items()}
    settings = CycleSettings(batas_skp="2027-02-15T23:59:59+08:00", jenis_periode="bulanan",
                             org_settings=OrgSettings(jpt_appraiser="sekda"))
    summary = _open(session, "BIDANG", settings=settings)
    assert summary.kinds["kalibrasi_unit"].started == ["DISDUK"]
    assert len(summary.kinds["siklus_kinerja"].started) == 6 and summary.kinds["siklus_kinerja"].problems == []
    kabid_key = f"skp:2027:{people['kabid']}"
    kabid = _started(session, "siklus_kinerja")[kabid_key]
    assert (kabid["batas_skp"], kabid["jenis_periode"]) == ("2027-02-15T23:59:59+08:00", "bulanan")
    assert "pengingat_skp" not in kabid  # not set: the process counts it from batas_skp
    kabid_now = instances.variables(instances.load(session, session.execute(select(Instance.id).where(
        Instance.business_key == kabid_key)).scalar_one()))
    assert (kabid_now["pengingat_skp"], kabid_now["batas_pengisian_periode"]) == ("2027-02-08T23:59:59+08:00", "P5D")
    assert (kabid["jabatan_penilai_kode"], kabid["jabatan_atasan_penilai_kode"]) == ("KADIS", "SEKDA")
    summary = _open(session, "DISDUK", settings=settings)
    assert summary.kinds["siklus_kinerja"].started == [people["kadis"]]
    assert summary.kinds["kalibrasi_unit"].existing == ["DISDUK"]
    assert summary.kinds["kalibrasi_unit"].joined == [people["kadis"]]  # the narrower run did not list them
    assert _started(session, "siklus_kinerja")[f"skp:2027:{people['kadis']}"]["jabatan_penilai_kode"] == "SEKDA"
    with pytest.raises(NotFound):
        _open(session, "NOWHERE")


def test_cli_open_prints_the_summary_and_refuses_without_processes(cli, session, chart):
    clock.set(T0)
    chart.person("cuti", "STAF", status="cltn")
    session.commit()
    assert "'kalibrasi_unit' is not deployed" in cli("cycle", "open", "2027", code=1)
    cli("bpmn", "deploy", str(BPMN_DIR))
    assert "P14X" in cli("cycle", "open", "2027", "--unit", "SEKSI", "--jendela-keberatan", "P14X", code=2)
    assert "P1M" in cli("cycle", "open", "2027", "--unit", "SEKSI", "--batas-pengisian-periode", "P1M", code=2)
    assert "mingguan" in cli("cycle", "open", "2027", "--unit", "SEKSI", "--jenis-periode", "mingguan", code=2)
    out = cli("cycle", "open", "2027", "--unit", "SEKSI", "--actor", "bkpsdm", "--batas-skp", "2027-02-15",
              "--jenis-periode", "bulanan", "--batas-pengisian-periode", "P3D", "--umpan-balik-rekan",
              "--batas-kalibrasi", "2028-02-29", "--min-kelompok-kurva", "5")
    assert "kalibrasi_unit: 1 started, 0 already started, 0 skipped, 0 problem(s)" in out  # DISDUK
    nips = {name: person.nip for name, person in chart.people.items()}
    started = _started(session, "siklus_kinerja")[f"skp:2027:{nips['staf']}"]
    calibration = _started(session, "kalibrasi_unit")["kalibrasi:2027:DISDUK"]
    assert (calibration["batas_kalibrasi"], calibration["min_kelompok_kurva"]) == ("2028-02-29", 5)
    session.rollback()  # SQLite: a reading transaction would keep the next command waiting
    assert {k: started[k] for k in ("batas_skp", "jenis_periode", "batas_pengisian_periode",
                                    "pakai_umpan_balik_rekan")} == {
        "batas_skp": "2027-02-15", "jenis_periode": "bulanan", "batas_pengisian_periode": "P3D",
        "pakai_umpan_balik_rekan": True}
    assert "siklus_kinerja: 4 started, 0 already started, 1 skipped, 0 problem(s)" in out
    assert f"skipped siklus_kinerja {nips['cuti']}: status cltn" in out
    out = cli("cycle", "open", "2027")
    assert "siklus_kinerja: 4 started, 4 already started, 1 skipped, 1 problem(s)" in out
    assert f"problem siklus_kinerja {nips['cadangan']}: has no position" in out
    session.expire_all()
    assert {i.started_by for i in session.execute(select(Instance)).scalars()} == {"bkpsdm", "operator"}


def test_the_agency_chooses_its_periods_for_its_sub_units_and_a_cycle_may_override(session, deployed):
    people = {name: e.nip for name, e in deployed.people.items()}
    periods.set_jenis_periode(session, org.unit_by_code(session, "DISDUK"), "semesteran", "pengelola")
    _open(session, "DISDUK")
    cycles_started = _started(session, "siklus_kinerja")
    assert cycles_started[f"skp:2027:{people['staf']}"]["jenis_periode"] == "semesteran"  # SEKSI is in DISDUK
    assert _started(session, "capaian_unit_periodik")["capaian:2027:DISDUK"]["jenis_periode"] == "semesteran"
    with pytest.raises(RecordInvalid):
        periods.set_jenis_periode(session, org.unit_by_code(session, "SETDA"), "mingguan", "pengelola")
    assert org.unit_by_code(session, "SETDA").jenis_periode is None
    _open(session, "SETDA", settings=CycleSettings(jenis_periode="bulanan"))
    assert _started(session, "siklus_kinerja")[f"skp:2027:{people['sekda']}"]["jenis_periode"] == "bulanan"


def test_last_years_final_predikat_is_a_start_variable(session, deployed):
    people = deployed.people
    # 2026: the kabid ends Sangat Baik after an appeal; the kasi is rated Baik; the staff member has no SKP.
    kabid = skp_records.open_skp(session, people["kabid"], 2026, "tester")
    ratings.change_predikat(session, kabid, "baik", "rating", "tester")
    ratings.change_predikat(session, kabid, "sangat_baik", "keberatan", "tester")
    kasi = skp_records.open_skp(session, people["kasi"], 2026, "tester")
    ratings.change_predikat(session, kasi, "baik", "rating", "tester")
    session.commit()
    _open(session, "BIDANG")
    started = _started(session, "siklus_kinerja")
    last_year = {key.rsplit(":", 1)[1]: data["predikat_tahun_lalu"] for key, data in started.items()}
    assert last_year[people["kabid"].nip] == "sangat_baik" and last_year[people["kasi"].nip] == "baik"
    assert last_year[people["staf"].nip] is None


def test_an_employee_added_after_the_cycle_opened_joins_the_units_calibration(session, deployed):
    _open(session, "SEKSI")
    [calibration] = session.execute(select(Instance).where(Instance.process_id == "kalibrasi_unit")).scalars()
    before = instances.variables(instances.load(session, calibration.id))["pegawai"]
    newcomer = deployed.person("baru", "STAF2")
    session.commit()
    again = _open(session, "SEKSI")
    assert again.kinds["siklus_kinerja"].started == [newcomer.nip]
    assert again.kinds["kalibrasi_unit"].existing == ["DISDUK"]
    after = instances.variables(instances.load(session, calibration.id))["pegawai"]
    assert after == [*before, newcomer.nip]
    assert newcomer.nip not in before


def test_a_new_hire_gets_an_skp_from_the_first_day_due_a_month_later(session, deployed):
    _open(session)
    # 3 May 2027: a PPPK appointed to the seksi; the next run of `cycle open` starts their cycle without
    # asking to confirm a late opening: their deadline counts from their first day, not from 31 January.
    clock.set(datetime(2027, 5, 3, 1, 0, tzinfo=UTC))
    hire = Employee(nip=make_nip(birth="19950505", tmt="202705", seq=77), name="Pegawai Baru", kind="pppk",
                    status="aktif", gender="P", updated_at=clock.now())
    session.add(hire)
    org.transfer(session, hire, deployed.positions["STAF"], date(2027, 5, 3))
    session.commit()
    summary = _open(session)
    assert summary.kinds["siklus_kinerja"].started == [hire.nip]
    data = _started(session, "siklus_kinerja")[f"skp:2027:{hire.nip}"]
    assert data["tanggal_mutasi"] == "2027-05-03"
    row = session.execute(select(Instance).where(Instance.business_key == f"skp:2027:{hire.nip}")).scalar_one()
    variables = instances.variables(instances.load(session, row.id))
    assert variables["batas_skp"] == "2027-06-02T23:59:59+08:00"  # batas_skp_pindah P30D
    found = session.execute(select(Skp).where(Skp.employee_id == hire.id)).scalar_one()
    assert (found.period_start, found.period_end) == (date(2027, 5, 3), date(2027, 12, 31))
