"""Stage 3, penilaian_kinerja: the 9 cells of the predikat matrix through the DMN, and unit heads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import FormInvalid
from engine.runtime.events import messages
from tests.workflows.lifecycle import (
    NIP_ANI,
    NIP_CITRA,
    Lifecycle,
    rating_parts,
    siklus_data,
)
from workflows.models import PredikatRecord, Rating
from workflows.models.skp import BERAKHLAK
from workflows.rating import ratings

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
    # Correlated with the calibration unit (a cycle started without one falls back to its own unit).
    assert data["penilaian_selesai"] == {"nip": NIP_ANI, "unit_kode": "SEKSI-A", "unit_asal": "SEKSI-A",
                                         "tahun": 2027, "predikat_usulan": predikat, "is_kepala_unit": False,
                                         "capaian_unit": None, "perilaku": perilaku}
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
    # The parts the overall ratings summarise: the SKP's RHK, then the seven BerAKHLAK values.
    parts = [(d.rhk_id is not None, d.value_code, d.rating) for d in ratings.rating_details(lifecycle.session, rating)]
    assert parts == [(True, None, hasil_kerja)] + [(False, v, perilaku) for v in BERAKHLAK]


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
    lifecycle.rate_head(iid, capaian, perilaku)
    variables = lifecycle.variables(iid)
    assert (variables["hasil_kerja"], variables["predikat_usulan"]) == (hasil_kerja, predikat)
    assert variables["penilaian_selesai"]["capaian_unit"] == capaian
    decisions = [d["decision_id"] for _, d in lifecycle.events(iid, "decision_evaluated")]
    assert decisions == ["hasil_kerja_kepala_unit", "predikat_kinerja"]
    rating = lifecycle.session.execute(select(Rating)).scalar_one()
    assert (rating.hasil_kerja, rating.predikat_usulan) == (hasil_kerja, predikat)
    details = ratings.rating_details(lifecycle.session, rating)
    assert [(d.rhk_id, d.value_code) for d in details] == [(None, v) for v in BERAKHLAK]


def test_every_rhk_and_value_must_be_rated_and_every_error_is_reported_at_once(lifecycle: Lifecycle):
    iid = lifecycle.start("penilaian_kinerja", siklus_data(NIP_ANI), key="k")
    parts = rating_parts(lifecycle.session, iid, "sesuai", "sesuai")
    [rhk] = parts["penilaian_rhk"]
    missing_value = {k: v for k, v in parts["penilaian_perilaku"].items() if k != "loyal"}
    cases = [
        ({**parts, "penilaian_rhk": []}, {"penilaian_rhk": "too_few_items"}),
        ({**parts, "penilaian_rhk": [rhk, rhk]}, {"penilaian_rhk/1/rhk_id": "duplicate"}),
        ({**parts, "penilaian_rhk": [{**rhk, "rhk_id": 987654}]}, {"penilaian_rhk/0/rhk_id": "unknown_record"}),
        ({**parts, "penilaian_perilaku": missing_value}, {"penilaian_perilaku/loyal": "required"}),
        ({"penilaian_perilaku": parts["penilaian_perilaku"]}, {"penilaian_rhk": "required"}),
    ]
    overall = {"hasil_kerja": "sesuai", "perilaku": "sesuai"}
    for custom, expected in cases:
        with pytest.raises(FormInvalid) as refused:
            lifecycle.do(iid, "Task_nilai", {**overall, **custom})
        assert {path: [e["code"] for e in errs][0] for path, errs in refused.value.errors.items()} == expected
    # A field error and a custom-part error come back together.
    with pytest.raises(FormInvalid) as refused:
        lifecycle.do(iid, "Task_nilai", {"hasil_kerja": "luar_biasa", "perilaku": "sesuai",
                                         **{**parts, "penilaian_perilaku": missing_value}})
    assert set(refused.value.errors) == {"hasil_kerja", "penilaian_perilaku/loyal"}
    assert lifecycle.task(iid, "Task_nilai").state == "open"
    assert lifecycle.session.execute(select(Rating)).scalars().all() == []


def test_the_final_predikat_reaches_the_cycle_of_its_year_only(lifecycle: Lifecycle):
    waiting = {}
    for tahun in (2027, 2028):
        iid = lifecycle.start("penilaian_kinerja", siklus_data(NIP_ANI, tahun=tahun), key=f"k{tahun}")
        lifecycle.rate(iid, "sesuai", "sesuai")
        waiting[tahun] = iid
    # Without the year it cannot be correlated: nobody receives it.
    assert messages.send(lifecycle.session, "predikat_final", {"nip": NIP_ANI, "predikat": "baik"}, "test") == 0
    assert messages.send(lifecycle.session, "predikat_final", {"nip": NIP_ANI, "tahun": 2028,
                                                               "predikat": "butuh_perbaikan"}, "test") == 1
    lifecycle.session.commit()
    [(_, delivered)] = lifecycle.events(waiting[2028], "message_delivered")
    assert delivered["correlations"] == {"pegawai": {"Correlation_nip": NIP_ANI, "Correlation_tahun_pegawai": 2028}}
    assert lifecycle.status(waiting[2028]) == "completed"
    assert lifecycle.variables(waiting[2028])["predikat"] == "butuh_perbaikan"
    assert lifecycle.status(waiting[2027]) == "waiting"
