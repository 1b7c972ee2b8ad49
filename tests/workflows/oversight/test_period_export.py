"""Periodic unit ratings (capaian_unit_periodik) and the per-period export (`kinerja report periode`)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.errors import InvalidInput, NotFound
from tests.workflows.lifecycle import NIP_ANI, NIP_BUDI, Lifecycle, siklus_data
from workflows.models import UnitRating
from workflows.oversight.period_export import COLUMNS, period_rows, write_csv
from workflows.planning import skp as skp_records
from workflows.rating import ratings

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["pemantauan_kinerja.bpmn", "predikat_kinerja.dmn", "capaian_unit_periodik.bpmn"]

START = datetime(2027, 2, 1, 0, 0, tzinfo=UTC)
PLAN = {"rhk": [{"uraian": "Layanan KTP-el", "iki": [{"uraian": "KTP-el tercetak", "target": 1200,
                                                      "satuan": "keping"}]}]}


def wita(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def start_unit(lifecycle: Lifecycle, **data) -> int:
    return lifecycle.start("capaian_unit_periodik", {"unit_kode": "SEKSI-A", "tahun": 2027, **data},
                           key="capaian:2027:SEKSI-A")


def test_the_leader_above_the_unit_rates_it_at_each_period_end_but_akhir(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = start_unit(lifecycle)
    rated = []
    for name, end, capaian in (("Triwulan I", "2027-03-31", "baik"), ("Triwulan II", "2027-06-30", "istimewa"),
                               ("Triwulan III", "2027-09-30", "baik")):
        # The task opens once the period is over (00:00 WITA the next day) and is due on the input deadline.
        over = wita(f"{end}T00:00:00+08:00") + timedelta(days=1)
        assert lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC) == over
        assert lifecycle.worker(over + timedelta(seconds=1)) == [iid]
        task = lifecycle.task(iid, "Task_tetapkan_capaian_periode")
        assert task.assignee == "kabid_a"  # the leader above SEKSI-A (lane Pimpinan Unit)
        assert task.due_at.replace(tzinfo=UTC) == over + timedelta(days=4, hours=23, minutes=59, seconds=59)
        assert {f["id"]: f["value"] for f in task.form["fields"]}["periode_nama"] == name
        lifecycle.do(iid, "Task_tetapkan_capaian_periode", {"capaian_unit_periode": capaian})
        rated.append((name, capaian))
    # Triwulan IV-Akhir is the year's: kalibrasi_unit sets it.
    assert lifecycle.status(iid) == "completed"
    lifecycle.session.expire_all()
    rows = lifecycle.session.execute(select(UnitRating).order_by(UnitRating.id)).scalars()
    assert [(r.period, r.capaian, r.set_by) for r in rows] == [(n, c, "kabid_a") for n, c in rated]


def test_a_unit_with_semester_periods_is_rated_once_in_july(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = start_unit(lifecycle, jenis_periode="semesteran")
    assert lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC) == wita("2027-07-01T00:00:00+08:00")
    lifecycle.next_timer(iid)
    lifecycle.do(iid, "Task_tetapkan_capaian_periode", {"capaian_unit_periode": "kurang"})
    assert lifecycle.status(iid) == "completed"


def _quarter_one(lifecycle: Lifecycle) -> dict[str, int]:
    """Ani rated above expectations and Budi below in Triwulan I; the unit rated Baik."""
    unit = start_unit(lifecycle)
    cycles = {}
    for nip in (NIP_ANI, NIP_BUDI):
        cycles[nip] = lifecycle.start("pemantauan_kinerja", siklus_data(nip), key=f"k{nip}")
        skp_records.save_plan(lifecycle.session, skp_records.require_skp(lifecycle.session, cycles[nip]), PLAN,
                              "tester")
        lifecycle.session.commit()
    lifecycle.monitor_period(cycles[NIP_ANI], rating="di_atas")
    lifecycle.monitor_period(cycles[NIP_BUDI], rating="di_bawah")
    lifecycle.next_timer(unit)
    lifecycle.do(unit, "Task_tetapkan_capaian_periode", {"capaian_unit_periode": "baik"})
    return cycles


def test_the_export_of_a_period_has_one_row_per_employee_with_the_periodic_predikat(lifecycle: Lifecycle):
    lifecycle.worker(START)
    cycles = _quarter_one(lifecycle)
    session = lifecycle.session
    out = io.StringIO()
    assert write_csv(period_rows(session, 2027, "Triwulan I"), out) == 2
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [tuple(row.values()) for row in table] == [
        (NIP_ANI, "Ani", "SEKSI-A", "Triwulan I", "di_atas", "sesuai", "baik", "baik"),
        (NIP_BUDI, "Budi", "SEKSI-A", "Triwulan I", "di_bawah", "sesuai", "butuh_perbaikan", "baik")]
    # A period not rated yet lists the employees with empty ratings; a unit includes its sub-units.
    rows = period_rows(session, 2027, "triwulan ii")
    assert [(r["Periode"], r["Hasil Kerja"], r["Predikat"], r["Capaian Unit"]) for r in rows] == [
        ("Triwulan II", "", "", "")] * 2
    assert [r["NIP"] for r in period_rows(session, 2027, "Triwulan I", "DINAS-A")] == [NIP_ANI, NIP_BUDI]
    with pytest.raises(NotFound):
        period_rows(session, 2027, "Triwulan I", "NOWHERE")
    # The last period is the annual evaluation: its predikat is the final one.
    ratings.change_predikat(session, skp_records.require_skp(session, cycles[NIP_ANI]), "sangat_baik", "kalibrasi",
                            "tester")
    final = period_rows(session, 2027, "Triwulan IV")
    assert final[0]["Periode"] == "Triwulan IV-Akhir" and final[0]["Predikat"] == "sangat_baik"
    with pytest.raises(InvalidInput, match="unknown period 'Kuartal 1'"):
        period_rows(session, 2027, "Kuartal 1")


def test_the_cli_writes_the_csv_and_refuses_an_unknown_period(lifecycle: Lifecycle, cli, tmp_path):
    lifecycle.worker(START)
    _quarter_one(lifecycle)
    lifecycle.session.commit()
    out = cli("report", "periode", "--tahun", "2027", "--periode", "Triwulan I", "--unit", "SEKSI-A",
              "--format", "csv")
    lines = out.strip().splitlines()
    assert lines[0] == "NIP,Nama,Unit,Periode,Hasil Kerja,Perilaku Kerja,Predikat,Capaian Unit"
    assert lines[1] == f"{NIP_ANI},Ani,SEKSI-A,Triwulan I,di_atas,sesuai,baik,baik" and len(lines) == 3
    target = tmp_path / "tw1.csv"
    cli("report", "periode", "--tahun", "2027", "--periode", "Triwulan I", "--output", str(target))
    assert target.read_text(encoding="utf-8").splitlines() == lines
    assert "unknown period 'Kuartal 1'" in cli("report", "periode", "--tahun", "2027", "--periode", "Kuartal 1",
                                               code=1)
    assert "xlsx" in cli("report", "periode", "--tahun", "2027", "--periode", "Triwulan I", "--format", "xlsx",
                         code=2)


def test_the_csv_writes_a_formula_looking_name_as_text():
    out = io.StringIO()
    row = dict.fromkeys(COLUMNS, "") | {"NIP": "199201152019031005", "Nama": "=cmd|' /C calc'!A0", "Hasil Kerja": -1}
    write_csv([row], out)
    [written] = csv.DictReader(io.StringIO(out.getvalue()))
    assert written["Nama"] == "'=cmd|' /C calc'!A0" and written["Hasil Kerja"] == "-1"
