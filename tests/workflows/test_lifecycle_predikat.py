"""Stage 3, penilaian_kinerja: the 9 cells of the predikat matrix through the DMN, and unit heads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.workflows.lifecycle import (
    NIP_ANI,
    NIP_CITRA,
    Lifecycle,
    siklus_data,
)
from workflows.models import PredikatRecord, Rating

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["penilaian_kinerja.bpmn", "predikat_kinerja.dmn", "hasil_kerja_kepala_unit.dmn"]

# DOMAIN.md §3.3: results (rows) x behaviour (columns).
MATRIX = [
    ("di_atas", "di_bawah", "kurang_misconduct"),
    ("di_atas", "sesuai", "baik"),
    ("di_atas", "di_atas", "sangat_baik"),
    ("sesuai", "di_bawah", "kurang_misconduct"),
    ("sesuai", "sesuai", "baik"),
    ("sesuai", "di_atas", "baik"),
    ("di_bawah", "di_bawah", "sangat_kurang"),
    ("di_bawah", "sesuai", "butuh_perbaikan"),
    ("di_bawah", "di_atas", "butuh_perbaikan"),
]


@pytest.mark.parametrize("hasil_kerja, perilaku, predikat", MATRIX)
def test_predikat_matrix(lifecycle: Lifecycle, hasil_kerja, perilaku, predikat):
    iid = lifecycle.start("penilaian_kinerja", siklus_data(NIP_ANI), key="k")
    nilai = lifecycle.task(iid, "Task_nilai")
    assert nilai.assignee == "kasi_a" and nilai.lane == "Pejabat Penilai"
    lifecycle.rate(iid, hasil_kerja, perilaku)
    # The proposal goes to the unit's calibration; the appraisal then waits for the final predikat.
    assert lifecycle.status(iid) == "waiting"
    data = lifecycle.variables(iid)
    assert data["predikat_usulan"] == predikat
    assert data["penilaian_selesai"] == {"nip": NIP_ANI, "unit_kode": "SEKSI-A", "tahun": 2027,
                                         "predikat_usulan": predikat, "is_kepala_unit": False,
                                         "capaian_unit": None}
    [(_, decision)] = lifecycle.events(iid, "decision_evaluated")
    assert decision["decision_id"] == "predikat_kinerja" and decision["outputs"] == {"predikat": predikat}
    assert len(decision["matched_rules"]) == 1
    [(_, sent)] = lifecycle.events(iid, "message_undelivered")  # no calibration instance in this test
    assert sent["message"] == "penilaian_selesai"
    assert sent["correlations"] == {"unit_tahun": {"Correlation_unit_kode": "SEKSI-A", "Correlation_tahun": 2027}}
    # The rating and the proposal are on record, the proposal as the first predikat (source rating).
    rating = lifecycle.session.execute(select(Rating)).scalar_one()
    assert (rating.hasil_kerja, rating.perilaku, rating.predikat_usulan, rating.rated_by) == (
        hasil_kerja, perilaku, predikat, "kasi_a")
    record = lifecycle.session.execute(select(PredikatRecord)).scalar_one()
    assert (record.predikat, record.source) == (predikat, "rating")


@pytest.mark.parametrize("capaian, perilaku, hasil_kerja, predikat", [
    ("istimewa", "di_atas", "di_atas", "sangat_baik"),
    ("istimewa", "sesuai", "di_atas", "baik"),
    ("baik", "sesuai", "sesuai", "baik"),
    ("butuh_perbaikan", "sesuai", "di_bawah", "butuh_perbaikan"),
    ("kurang", "di_atas", "di_bawah", "butuh_perbaikan"),
    ("sangat_kurang", "di_bawah", "di_bawah", "sangat_kurang"),
])
def test_unit_head_results_rating_comes_from_the_unit_rating(lifecycle: Lifecycle, capaian, perilaku,
                                                             hasil_kerja, predikat):
    data = siklus_data(NIP_CITRA, is_kepala_unit=True, unit_kode="BIDANG-A", jabatan_penilai_kode="KADIS")
    iid = lifecycle.start("penilaian_kinerja", data, key="k")
    assert lifecycle.open_tasks(iid, "Task_nilai") == []
    head = lifecycle.task(iid, "Task_nilai_kepala_unit")
    assert head.assignee == "kadis"
    assert "hasil_kerja" not in [f["id"] for f in head.form["fields"]]
    lifecycle.do(iid, "Task_nilai_kepala_unit", {"capaian_unit": capaian, "perilaku": perilaku})
    variables = lifecycle.variables(iid)
    assert (variables["hasil_kerja"], variables["predikat_usulan"]) == (hasil_kerja, predikat)
    assert variables["penilaian_selesai"]["capaian_unit"] == capaian
    decisions = [d["decision_id"] for _, d in lifecycle.events(iid, "decision_evaluated")]
    assert decisions == ["hasil_kerja_kepala_unit", "predikat_kinerja"]
    rating = lifecycle.session.execute(select(Rating)).scalar_one()
    assert (rating.hasil_kerja, rating.predikat_usulan) == (hasil_kerja, predikat)
