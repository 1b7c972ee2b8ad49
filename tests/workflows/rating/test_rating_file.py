"""The annual rating task carries what the appraiser judges: the year's record of the SKP, read-only."""

from __future__ import annotations

from tests.workflows.lifecycle import NIP_ANI, Lifecycle, rating_parts, siklus_data

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]


def test_the_rating_form_shows_the_plan_realisations_periodic_ratings_and_feedback(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key=f"{NIP_ANI}-2027")
    lifecycle.agree_skp(iid)
    lifecycle.monitor_year(iid)

    rating = lifecycle.task(iid, "Task_nilai")
    berkas = rating.form["values"]["berkas_penilaian"]
    assert berkas["pegawai"]["nip"] == NIP_ANI and berkas["tahun"] == 2027
    [rhk] = berkas["rhk"]
    periods = ["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV-Akhir"]
    for iki in rhk["iki"]:
        assert [r["periode"] for r in iki["realisasi"]] == periods
    # The periodic evaluations of the quarters before Akhir, with the predikat the matrix derived.
    assert [(e["periode"], e["hasil_kerja"], e["predikat"]) for e in berkas["evaluasi_periodik"]] == [
        (p, "sesuai ekspektasi", "baik") for p in periods[:3]]
    assert {f["periode"] for f in berkas["umpan_balik"]} >= set(periods)

    # Read-only: a submission cannot replace what was judged.
    lifecycle.do(iid, "Task_nilai", {"hasil_kerja": "sesuai", "perilaku": "sesuai", "berkas_penilaian": {"rhk": []},
                                     **rating_parts(lifecycle.session, iid, "sesuai", "sesuai")})
    assert lifecycle.variables(iid)["berkas_penilaian"]["rhk"] == berkas["rhk"]
