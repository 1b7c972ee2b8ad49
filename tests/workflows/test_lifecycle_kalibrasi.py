"""kalibrasi_unit: the five distribution rules of SE MenPANRB 3/2023, review, adjustment, messages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import FormInvalid
from tests.workflows.lifecycle import (
    NIP_CITRA,
    Lifecycle,
    siklus_data,
)
from workflows.models import Publication, UnitRating

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["kalibrasi_unit.bpmn", "pola_distribusi.dmn", "penilaian_kinerja.bpmn", "predikat_kinerja.dmn",
                   "hasil_kerja_kepala_unit.dmn"]

ORDER = ["sangat_baik", "baik", "butuh_perbaikan", "kurang_misconduct", "sangat_kurang"]


def unit(**counts: int) -> dict[str, str]:
    """Return {nip: predikat} with the given number of employees per predikat (abbreviations below)."""
    names = {"sb": "sangat_baik", "b": "baik", "bp": "butuh_perbaikan", "k": "kurang_misconduct",
             "sk": "sangat_kurang"}
    penilaian: dict[str, str] = {}
    for short, count in counts.items():
        for _ in range(count):
            penilaian[f"19900101201501{len(penilaian) + 1:04d}"] = names[short]
    return penilaian


def calibrate(lifecycle: Lifecycle, capaian: str, penilaian: dict[str, str], unit_kode: str = "SEKSI-A") -> int:
    iid = lifecycle.start("kalibrasi_unit", {"unit_kode": unit_kode, "tahun": 2027, "pegawai": list(penilaian),
                                             "penilaian": penilaian}, key=f"kalibrasi-{unit_kode}-2027")
    capaian_task = lifecycle.task(iid, "Task_tetapkan_capaian")
    assert capaian_task.assignee == "kabid_a" and capaian_task.lane == "Pimpinan Unit"
    lifecycle.do(iid, "Task_tetapkan_capaian", {"capaian_unit": capaian, "dasar_capaian": "Capaian PK 2027"})
    unit_rating = lifecycle.session.execute(select(UnitRating)).scalar_one()
    assert (unit_rating.capaian, unit_rating.year, unit_rating.period, unit_rating.set_by) == (
        capaian, 2027, "akhir", "kabid_a")
    return iid


CASES = [
    # capaian, distribution, compliant?, expected text in the violations
    ("istimewa", unit(sb=7, b=3), None),
    ("istimewa", unit(sb=8, b=1, sk=1), "Sangat Baik 80.0% melebihi batas 70%"),
    ("baik", unit(sb=1, b=7, bp=1, k=1), None),
    ("baik", unit(b=8, bp=2), "Baik 80.0% melebihi batas 70%"),
    ("baik", unit(sb=3, b=7), "harus ada pegawai dengan predikat Butuh Perbaikan dan/atau Kurang/Misconduct"),
    ("butuh_perbaikan", unit(sb=1, b=2, bp=6, sk=1), None),
    ("butuh_perbaikan", unit(sb=2, b=3, bp=5), "Butuh Perbaikan 50.0% kurang dari paling sedikit 60%"),
    ("butuh_perbaikan", unit(sb=2, bp=8), "Sangat Baik 20.0% melebihi batas 10%"),
    ("kurang", unit(sb=1, b=2, bp=1, k=6), None),
    ("kurang", unit(b=4, k=6), "Butuh Perbaikan 0.0% kurang dari paling sedikit 10%"),
    ("kurang", unit(bp=5, k=5), "Kurang/Misconduct 50.0% kurang dari paling sedikit 60%"),
    ("sangat_kurang", unit(b=3, k=1, sk=6), None),
    ("sangat_kurang", unit(sb=1, b=2, k=1, sk=6), "predikat Sangat Baik tidak boleh diberikan (1 pegawai)"),
    ("sangat_kurang", unit(b=4, bp=1, sk=5), "Sangat Kurang 50.0% kurang dari paling sedikit 60%"),
    ("sangat_kurang", unit(b=4, sk=6), "Butuh Perbaikan dan Kurang/Misconduct bersama 0.0% kurang dari paling "
                                       "sedikit 10%"),
]


@pytest.mark.parametrize("capaian, penilaian, violation", CASES,
                         ids=[f"{c}-{'sesuai' if v is None else 'melanggar'}-{i}" for i, (c, _, v) in
                              enumerate(CASES)])
def test_distribution_rule(lifecycle: Lifecycle, capaian, penilaian, violation):
    iid = calibrate(lifecycle, capaian, penilaian)
    [(_, decision)] = lifecycle.events(iid, "decision_evaluated")
    assert decision["decision_id"] == "pola_distribusi" and decision["inputs"]["Capaian kinerja unit"] == capaian
    if violation is None:
        assert lifecycle.status(iid) == "completed"
        data = lifecycle.variables(iid)
        assert data["pelanggaran"] == [] and data["agregat_unit"]["sesuai_pola"] is True
        # One predikat_final message per employee (no siklus instance waits in this test).
        sent = [d for _, d in lifecycle.events(iid, "message_undelivered")]
        assert sorted(d["payload"]["nip"] for d in sent) == sorted(penilaian)
        assert all(d["message"] == "predikat_final" and d["payload"]["predikat"] == penilaian[d["payload"]["nip"]]
                   for d in sent)
        # Nothing is published yet: publication waits for the appeals (keberatan.bpmn).
        assert lifecycle.session.execute(select(Publication)).first() is None
        assert data["agregat_unit"]["capaian_unit"] == capaian
    else:
        review = lifecycle.task(iid, "Task_tinjau_pelanggaran")
        assert review.assignee == "kabid_a"
        fields = {f["id"]: f for f in review.form["fields"]}
        assert violation in fields["ringkasan_pelanggaran"]["value"]
        assert fields["ringkasan_pelanggaran"]["readonly"] is True
        assert violation in " ".join(lifecycle.variables(iid)["pelanggaran"])
        assert lifecycle.events(iid, "message_undelivered") == []  # nothing sent before the review
        assert lifecycle.session.execute(select(Publication)).first() is None


def test_justification_is_required_to_keep_a_violating_distribution(lifecycle: Lifecycle):
    penilaian = unit(b=8, bp=2)
    iid = calibrate(lifecycle, "baik", penilaian)
    lifecycle.do(iid, "Task_tinjau_pelanggaran", {"tindakan_distribusi": "justifikasi"})
    lifecycle.do(iid, "Task_tinjau_pelanggaran", {"tindakan_distribusi": "justifikasi",
                                                   "justifikasi_distribusi": "Unit kecil, 8 pegawai baru."})
    assert lifecycle.status(iid) == "completed"
    agregat = lifecycle.variables(iid)["agregat_unit"]
    assert agregat["sesuai_pola"] is False and agregat["justifikasi"] == "Unit kecil, 8 pegawai baru."
    assert agregat["jumlah_per_predikat"] == {"sangat_baik": 0, "baik": 8, "butuh_perbaikan": 2,
                                              "kurang_misconduct": 0, "sangat_kurang": 0}
    assert agregat["persen_per_predikat"]["baik"] == 80.0
    # Aggregates only: no NIP in what is published.
    assert not any(nip in repr(agregat) for nip in penilaian)


def test_adjusting_predikat_rechecks_the_distribution(lifecycle: Lifecycle):
    penilaian = unit(b=8, bp=2)
    first_baik = next(nip for nip, p in penilaian.items() if p == "baik")
    iid = calibrate(lifecycle, "baik", penilaian)
    lifecycle.do(iid, "Task_tinjau_pelanggaran", {"tindakan_distribusi": "sesuaikan"})
    adjust = lifecycle.task(iid, "Task_sesuaikan_predikat")
    assert adjust.form["key"] == "penyesuaian_predikat"
    # Someone outside the unit, or a value that is no predikat: refused, the task stays open.
    outsider = "199912312020121001"
    for bad, path in (({first_baik: "sangat_baik", outsider: "baik"}, f"penyesuaian/{outsider}"),
                      ({first_baik: "luar_biasa"}, f"penyesuaian/{first_baik}"), ({}, "penyesuaian")):
        with pytest.raises(FormInvalid) as refused:
            lifecycle.complete(adjust, {"penyesuaian": bad})
        assert list(refused.value.errors) == [path]
    assert lifecycle.task(iid, "Task_sesuaikan_predikat").id == adjust.id
    lifecycle.complete(adjust, {"penyesuaian": {first_baik: "sangat_baik"}})
    # 7 of 10 Baik is exactly the 70% maximum: the distribution now complies.
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert data["penilaian"][first_baik] == "sangat_baik"
    assert data["riwayat_penyesuaian"] == [{first_baik: "sangat_baik"}]
    sent = {d["payload"]["nip"]: d["payload"]["predikat"] for _, d in lifecycle.events(iid, "message_undelivered")}
    assert sent[first_baik] == "sangat_baik"


def test_ratings_arrive_as_messages_and_a_unit_head_with_another_rating_is_flagged(lifecycle: Lifecycle):
    head = siklus_data(NIP_CITRA, is_kepala_unit=True, jabatan_penilai_kode="KADIS")
    kalibrasi = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2027, "pegawai": [NIP_CITRA],
                                                   "penilaian": {}}, key="kalibrasi")
    other_year = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2028,
                                                    "pegawai": [NIP_CITRA], "penilaian": {}}, key="kalibrasi-2028")
    appraisal = lifecycle.start("penilaian_kinerja", head, key="penilaian")
    lifecycle.rate_head(appraisal, "istimewa", "sesuai")
    delivered = lifecycle.events(kalibrasi, "message_delivered")
    assert [d["payload"]["nip"] for _, d in delivered] == [NIP_CITRA]
    assert lifecycle.events(other_year, "message_delivered") == []  # correlated by unit_kode and tahun
    lifecycle.do(kalibrasi, "Task_tetapkan_capaian", {"capaian_unit": "baik", "dasar_capaian": "PK"})
    review = lifecycle.task(kalibrasi, "Task_tinjau_pelanggaran")
    text = {f["id"]: f["value"] for f in review.form["fields"]}["ringkasan_pelanggaran"]
    assert f"Kepala unit NIP {NIP_CITRA} dinilai dengan capaian unit istimewa" in text
