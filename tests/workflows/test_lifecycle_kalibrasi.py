"""kalibrasi_unit: the five distribution rules of SE MenPANRB 3/2023, review, adjustment, messages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.errors import FormInvalid
from engine.runtime.events import messages
from tests.workflows.lifecycle import (
    NIP_ANI,
    NIP_CITRA,
    Lifecycle,
    siklus_data,
)
from workflows.models import PredikatRecord, Publication, UnitRating

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


def test_adjusting_predikat_needs_a_reason_and_rechecks_the_distribution(lifecycle: Lifecycle):
    penilaian = unit(b=8, bp=2)
    first_baik = next(nip for nip, p in penilaian.items() if p == "baik")
    iid = calibrate(lifecycle, "baik", penilaian)
    lifecycle.do(iid, "Task_tinjau_pelanggaran", {"tindakan_distribusi": "sesuaikan"})
    adjust = lifecycle.task(iid, "Task_sesuaikan_predikat")
    assert adjust.form["key"] == "penyesuaian_predikat"
    # The leader sees what is calibrated: every member's current predikat and the curve check.
    shown = adjust.form["values"]
    assert shown["penilaian"] == penilaian and "Baik 80.0% melebihi batas 70%" in shown["hasil_kurva"]
    reason = {first_baik: "Capaian RHK utama melampaui target 120%."}
    # Someone outside the unit, a value that is no predikat, a change without its reason: refused.
    outsider = "199912312020121001"
    for bad, path in (({first_baik: "sangat_baik", outsider: "baik"}, f"penyesuaian/{outsider}"),
                      ({first_baik: "luar_biasa"}, f"penyesuaian/{first_baik}"), ({}, "penyesuaian")):
        with pytest.raises(FormInvalid) as refused:
            lifecycle.complete(adjust, {"penyesuaian": bad, "alasan_penyesuaian": reason, "penilaian": {}})
        assert list(refused.value.errors) == [path]
    with pytest.raises(FormInvalid) as refused:
        lifecycle.complete(adjust, {"penyesuaian": {first_baik: "sangat_baik"}})
    assert list(refused.value.errors) == [f"alasan_penyesuaian/{first_baik}"]
    [error] = refused.value.errors[f"alasan_penyesuaian/{first_baik}"]
    assert error["code"] == "required" and "alasan wajib diisi" in error["message"]
    # Refused: the task is still open and nothing changed.
    assert lifecycle.task(iid, "Task_sesuaikan_predikat").id == adjust.id
    assert lifecycle.variables(iid)["penilaian"][first_baik] == "baik"
    lifecycle.complete(adjust, {"penyesuaian": {first_baik: "sangat_baik"}, "alasan_penyesuaian": reason})
    # 7 of 10 Baik is exactly the 70% maximum: the distribution now complies.
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert data["penilaian"][first_baik] == "sangat_baik"
    [change] = data["riwayat_penyesuaian"]
    assert (change["nip"], change["sebelum"], change["sesudah"], change["alasan"]) == (
        first_baik, "baik", "sangat_baik", reason[first_baik])
    sent = {d["payload"]["nip"]: d["payload"] for _, d in lifecycle.events(iid, "message_undelivered")}
    assert (sent[first_baik]["predikat"], sent[first_baik]["predikat_sebelum"], sent[first_baik]["alasan_kalibrasi"]
            ) == ("sangat_baik", "baik", reason[first_baik])
    unchanged = next(nip for nip in penilaian if nip != first_baik)
    assert sent[unchanged]["alasan_kalibrasi"] is None
    assert sent[unchanged]["predikat"] == sent[unchanged]["predikat_sebelum"] == penilaian[unchanged]


def test_below_the_minimum_group_size_the_curve_is_shown_not_enforced(lifecycle: Lifecycle):
    # Four Baik under a Baik unit rating breaks the rule "there must be Butuh Perbaikan/Kurang".
    iid = calibrate(lifecycle, "baik", unit(b=4))
    assert lifecycle.open_tasks(iid, "Task_tinjau_pelanggaran") == []
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert data["kurva_ditegakkan"] is False and data["min_kelompok_kurva"] == 10
    assert "tidak ditegakkan: kelompok 4 pegawai" in data["hasil_kurva"]
    assert "harus ada pegawai dengan predikat Butuh Perbaikan" in data["hasil_kurva"]
    sent = [d["payload"] for _, d in lifecycle.events(iid, "message_undelivered")]
    assert len(sent) == 4 and all(p["predikat"] == "baik" and p["alasan_kalibrasi"] is None for p in sent)


def test_the_minimum_group_size_is_a_setting(lifecycle: Lifecycle):
    penilaian = unit(b=4)
    iid = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2027, "pegawai": list(penilaian),
                                             "penilaian": penilaian, "min_kelompok_kurva": 3}, key="k")
    lifecycle.do(iid, "Task_tetapkan_capaian", {"capaian_unit": "baik", "dasar_capaian": "PK"})
    review = lifecycle.task(iid, "Task_tinjau_pelanggaran")
    fields = {f["id"]: f["value"] for f in review.form["fields"]}
    assert "ditegakkan: kelompok 4 pegawai" in fields["hasil_kurva"]


def test_the_unit_heads_rating_follows_the_unit_rating_set_at_calibration(lifecycle: Lifecycle):
    head = siklus_data(NIP_CITRA, is_kepala_unit=True, jabatan_penilai_kode="KADIS")
    kalibrasi = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2027, "pegawai": [NIP_CITRA],
                                                   "penilaian": {}}, key="kalibrasi")
    other_year = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2028,
                                                    "pegawai": [NIP_CITRA], "penilaian": {}}, key="kalibrasi-2028")
    appraisal = lifecycle.start("penilaian_kinerja", head, key="penilaian")
    # The appraiser rated the head's unit Istimewa: results above expectations, behaviour above: Sangat Baik.
    lifecycle.rate_head(appraisal, "istimewa", "di_atas")
    assert lifecycle.variables(appraisal)["predikat_usulan"] == "sangat_baik"
    delivered = lifecycle.events(kalibrasi, "message_delivered")
    assert [d["payload"]["nip"] for _, d in delivered] == [NIP_CITRA]
    assert lifecycle.events(other_year, "message_delivered") == []  # correlated by unit_kode and tahun
    # The leader above sets Baik: the head's results rating is the unit's, so the predikat becomes Baik.
    lifecycle.do(kalibrasi, "Task_tetapkan_capaian", {"capaian_unit": "baik", "dasar_capaian": "PK"})
    assert lifecycle.status(kalibrasi) == "completed"
    data = lifecycle.variables(appraisal)
    assert (data["predikat_usulan"], data["predikat"], data["predikat_sebelum"]) == ("sangat_baik", "baik",
                                                                                     "sangat_baik")
    assert "capaian kinerja unit yang ditetapkan pada kalibrasi (baik)" in data["alasan_kalibrasi"]
    record = lifecycle.session.execute(select(PredikatRecord).order_by(PredikatRecord.id.desc())).scalars().first()
    assert (record.predikat, record.source) == ("baik", "kalibrasi") and data["alasan_kalibrasi"] in record.reason


def test_the_deadline_reminds_escalates_and_a_late_rating_is_calibrated_in_a_follow_up_round(lifecycle: Lifecycle):
    penilaian = unit(b=2, bp=1)
    late = "199001012015010009"
    iid = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2027, "pegawai": [*penilaian, late],
                                             "penilaian": penilaian}, key="k")
    data = lifecycle.variables(iid)
    assert (data["batas_kalibrasi"], data["pengingat_kalibrasi"]) == ("2028-02-15T23:59:59+08:00",
                                                                      "2028-02-08T23:59:59+08:00")
    # A week before the deadline the leader, who has not set the unit rating, is reminded.
    assert lifecycle.worker(datetime(2028, 2, 8, 16, tzinfo=UTC)) == [iid]
    assert [d["bpmn_id"] for _, d in lifecycle.events(iid, "timer_fired")] == ["Event_pengingat_capaian"]
    assert [t.bpmn_id for t in lifecycle.open_tasks(iid)] == ["Task_tetapkan_capaian"]
    # At the deadline the pengelola kinerja gets the case; the calibration stops waiting for the last rating.
    assert lifecycle.worker(datetime(2028, 2, 15, 16, tzinfo=UTC)) == [iid]
    escalation = lifecycle.task(iid, "Task_eskalasi_kalibrasi")
    assert escalation.lane == "Pengelola Kinerja" and [c.value for c in escalation.candidates] == ["pengelola_kinerja"]
    assert lifecycle.variables(iid)["pegawai_susulan"] == [late]
    lifecycle.do(iid, "Task_tetapkan_capaian", {"capaian_unit": "baik", "dasar_capaian": "PK 2027"})
    sent = [d["payload"]["nip"] for _, d in lifecycle.events(iid, "message_undelivered")]
    assert sorted(sent) == sorted(penilaian)  # the three rated in time
    # The late rating arrives after calibration closed: the leader calibrates it in a follow-up round.
    messages.send(lifecycle.session, "penilaian_selesai", {"nip": late, "unit_kode": "SEKSI-A", "tahun": 2027,
                                                           "predikat_usulan": "sangat_baik"}, "tester")
    lifecycle.session.commit()
    follow_up = lifecycle.task(iid, "Task_kalibrasi_susulan")
    assert follow_up.assignee == "kabid_a"
    assert "Penilaian susulan NIP 199001012015010009: predikat usulan sangat_baik" in (
        lifecycle.variables(iid)["ringkasan_susulan"])
    with pytest.raises(FormInvalid) as refused:
        lifecycle.complete(follow_up, {"penyesuaian": {late: "baik"}})
    assert list(refused.value.errors) == [f"alasan_penyesuaian/{late}"]
    lifecycle.complete(follow_up, {"penyesuaian": {late: "baik"},
                                   "alasan_penyesuaian": {late: "Bukti dukung RHK utama tidak lengkap."}})
    final = [d["payload"] for _, d in lifecycle.events(iid, "message_undelivered") if d["payload"]["nip"] == late]
    assert final == [{"nip": late, "tahun": 2027, "predikat": "baik", "predikat_usulan": "sangat_baik",
                      "predikat_sebelum": "sangat_baik", "alasan_kalibrasi": "Bukti dukung RHK utama tidak lengkap."}]
    # Nobody is missing any more; the calibration ends once the escalation is dealt with.
    assert lifecycle.status(iid) == "running"
    lifecycle.do(iid, "Task_eskalasi_kalibrasi", {"tindak_lanjut_eskalasi": "Pimpinan dihubungi 16/2."})
    assert lifecycle.status(iid) == "completed"


def test_the_follow_up_round_ends_at_its_deadline(lifecycle: Lifecycle):
    iid = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2027, "pegawai": [NIP_ANI],
                                             "penilaian": {}, "batas_kalibrasi": "2028-01-31T23:59:59+08:00"},
                          key="k")
    lifecycle.do(iid, "Task_tetapkan_capaian", {"capaian_unit": "baik", "dasar_capaian": "PK 2027"})
    lifecycle.worker(datetime(2028, 2, 1, tzinfo=UTC))
    assert lifecycle.variables(iid)["pegawai_susulan"] == [NIP_ANI]
    assert lifecycle.open_tasks(iid) == []
    assert lifecycle.worker(datetime(2029, 1, 1, tzinfo=UTC)) == [iid]
    assert lifecycle.status(iid) == "completed"
