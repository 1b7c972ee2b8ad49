"""One unit end to end: kalibrasi_unit and three siklus_kinerja instances exchanging messages.

Ani (staff, Sangat Baik last year too), Budi (staff, with peer feedback, appeals) and Citra (head of the
unit, appraised by the leader above) go through planning, monitoring, appraisal; the unit's calibration
collects their proposals (penilaian_selesai), checks the distribution and sends each a predikat_final;
then appeal window, evaluation document and follow-up run to the end.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine import audit
from tests.workflows.lifecycle import (
    NIP_ANI,
    NIP_BUDI,
    NIP_CITRA,
    Lifecycle,
    add_staff,
    siklus_data,
)
from workflows.models import (
    Appeal,
    DevelopmentPlan,
    PredikatRecord,
    Publication,
    Rating,
    Signature,
    Skp,
    UnitRating,
)

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

RATERS = ["199201012019031001", "199302022019032002", "199403032019031003"]


def test_unit_of_three_until_every_cycle_is_complete(lifecycle: Lifecycle):
    add_staff(lifecycle.session, RATERS, "KABID-A")  # colleagues outside the unit appraised
    kalibrasi = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2027,
                                                   "pegawai": [NIP_ANI, NIP_BUDI, NIP_CITRA]},
                                key="kalibrasi-SEKSI-A-2027")
    ani = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI,
                                                        predikat_tahun_lalu="sangat_baik"), key=f"{NIP_ANI}-2027")
    budi = lifecycle.start("siklus_kinerja", siklus_data(NIP_BUDI, pakai_umpan_balik_rekan=True),
                           key=f"{NIP_BUDI}-2027")
    citra = lifecycle.start("siklus_kinerja", siklus_data(
        NIP_CITRA, is_kepala_unit=True, jabatan_kode="KASI-A", jabatan_penilai_kode="KABID-A",
        jabatan_atasan_penilai_kode="KADIS"), key=f"{NIP_CITRA}-2027")
    cycles = {NIP_ANI: ani, NIP_BUDI: budi, NIP_CITRA: citra}

    for iid in cycles.values():
        lifecycle.agree_skp(iid)
    for iid in cycles.values():  # the year passes, quarter by quarter, until the annual rating opens
        lifecycle.monitor_year(iid)
    # The annual rating opens only once 2027 is over and is due at the end of January 2028 (WITA).
    annual = lifecycle.task(ani, "Task_nilai")
    assert annual.created_at.replace(tzinfo=UTC) >= datetime(2027, 12, 31, 16, 0, tzinfo=UTC)
    assert annual.due_at.replace(tzinfo=UTC) == datetime(2028, 1, 31, 15, 59, 59, tzinfo=UTC)

    # Budi's appraiser asks three colleagues; their aggregate reaches the appraisal form.
    lifecycle.do(budi, "Task_pilih_rekan", {"daftar_rekan": RATERS})
    for row, score in zip(lifecycle.open_tasks(budi, "Task_beri_umpan_balik_berakhlak"), (3, 4, 2), strict=True):
        lifecycle.complete(row, {v: score for v in ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis",
                                                    "loyal", "adaptif", "kolaboratif")})
    lifecycle.do(budi, "Task_penilaian_diri", {v: 4 for v in ("berorientasi_pelayanan", "akuntabel", "kompeten",
                                                              "harmonis", "loyal", "adaptif", "kolaboratif")})
    form = {f["id"]: f["value"] for f in lifecycle.task(budi, "Task_nilai").form["fields"]}
    assert form["ringkasan_umpan_balik_rekan"].startswith("Rata-rata dari 3 rekan (skala 1-5): "
                                                          "berorientasi_pelayanan 3.0")
    assert form["nama"] == f"Pegawai {NIP_BUDI[-4:]}"

    lifecycle.rate(ani, "di_atas", "di_atas")
    lifecycle.rate(budi, "di_bawah", "sesuai")
    head = lifecycle.task(citra, "Task_nilai_kepala_unit")
    assert head.assignee == "kabid_a"
    lifecycle.rate_head(citra, "baik", "sesuai")
    for iid in cycles.values():
        assert lifecycle.status(iid) == "waiting"  # each waits for its final predikat
    received = [d["payload"]["nip"] for _, d in lifecycle.events(kalibrasi, "message_delivered")]
    assert received == [NIP_ANI, NIP_BUDI, NIP_CITRA]
    assert [t.bpmn_id for t in lifecycle.open_tasks(kalibrasi)] == ["Task_tetapkan_capaian"]
    assert lifecycle.instance(kalibrasi).status == "running"

    # The leader above the unit sets the unit rating; the distribution complies, the messages go out.
    lifecycle.do(kalibrasi, "Task_tetapkan_capaian", {"capaian_unit": "baik", "dasar_capaian": "Capaian PK 2027"})
    assert lifecycle.status(kalibrasi) == "completed"
    agregat = lifecycle.variables(kalibrasi)["agregat_unit"]
    assert agregat["sesuai_pola"] is True and agregat["jumlah_pegawai"] == 3
    assert agregat["jumlah_per_predikat"] == {"sangat_baik": 1, "baik": 1, "butuh_perbaikan": 1,
                                              "kurang_misconduct": 0, "sangat_kurang": 0}
    expected = {NIP_ANI: "sangat_baik", NIP_BUDI: "butuh_perbaikan", NIP_CITRA: "baik"}
    for nip, iid in cycles.items():
        [(_, delivered)] = lifecycle.events(iid, "message_delivered")
        assert delivered["message"] == "predikat_final" and delivered["from_instance_id"] == kalibrasi
        data = lifecycle.variables(iid)
        assert data["hasil_kalibrasi"] == {"nip": nip, "tahun": 2027, "predikat": expected[nip],
                                           "predikat_usulan": expected[nip], "predikat_sebelum": expected[nip],
                                           "alasan_kalibrasi": None}
        assert data["predikat"] == expected[nip] and data["predikat_diubah_kalibrasi"] is False
        notice = lifecycle.task(iid, "Task_beritahu_predikat")
        assert notice.assignee == nip
        assert {f["id"]: f["value"] for f in notice.form["fields"]}["predikat"] == expected[nip]

    # Appeal window: Ani lets it pass, Budi appeals (upheld), Citra declines.
    for iid in cycles.values():
        lifecycle.do(iid, "Task_beritahu_predikat", {"predikat_diketahui": True})
    lifecycle.do(budi, "Task_ajukan_keberatan", {"ajukan_keberatan": "ajukan", "alasan_keberatan": "Cek bukti"})
    lifecycle.do(budi, "Task_penjelasan_penilai", {"penjelasan_penilai": "Target utama di bawah ekspektasi"})
    lifecycle.do(budi, "Task_penjelasan_pegawai", {"penjelasan_pegawai": "Ada kendala aplikasi"})
    assert lifecycle.task(budi, "Task_putuskan").assignee == "kabid_a"
    lifecycle.do(budi, "Task_putuskan", {"keputusan_keberatan": "tetap", "alasan_keputusan": "Sesuai bukti"})
    lifecycle.do(citra, "Task_ajukan_keberatan", {"ajukan_keberatan": "tidak"})
    assert lifecycle.open_tasks(ani, "Task_tandatangani") == []
    # Ani's window ends with its last day, 14 days after the notice reached her (PP 30/2019 Ps 59).
    last_day = datetime.fromisoformat(lifecycle.variables(ani)["batas_keberatan_waktu"])
    assert lifecycle.worker(last_day - timedelta(minutes=1)) == []
    assert lifecycle.worker(last_day + timedelta(seconds=1)) == [ani]
    assert lifecycle.task(citra, "Task_tandatangani").assignee == "kabid_a"

    for iid in cycles.values():
        lifecycle.approve_documents(iid)
    lifecycle.do(budi, "Task_rencana_pengembangan", {"rekomendasi_pelatihan": "Pelatihan teknis",
                                                      "target_kompetensi": "Target utama tercapai"})
    assert lifecycle.task(budi, "Task_akui_rencana").assignee == NIP_BUDI  # Budi acknowledges his plan
    lifecycle.do(budi, "Task_akui_rencana")
    for nip, iid in cycles.items():
        assert lifecycle.status(iid) == "completed", nip
    final = {nip: lifecycle.variables(iid) for nip, iid in cycles.items()}
    assert final[NIP_ANI]["talent_pool"] is True and final[NIP_ANI]["keberatan_hasil"] == "tidak_diajukan"
    assert final[NIP_BUDI]["keberatan_hasil"] == "tetap" and final[NIP_BUDI]["talent_pool"] is False
    assert final[NIP_BUDI]["agregat_rekan_tampil"] is True
    assert final[NIP_CITRA]["hasil_kerja"] == "sesuai" and final[NIP_CITRA]["keberatan_hasil"] == "tidak_diajukan"
    assert all(data["skp_status"] == "ditetapkan" and data["dokumen_evaluasi"]["disetujui_atasan"]
               for data in final.values())
    assert all(data["cek_kurva_ulang"] is False for data in final.values())

    # ---- the same year in the domain records, readable without loading a workflow.
    session = lifecycle.session
    session.expire_all()
    skps = {s.instance_id: s for s in session.execute(select(Skp)).scalars()}
    assert sorted(skps) == sorted(cycles.values())
    by_nip = {nip: skps[iid] for nip, iid in cycles.items()}
    assert all(s.status == "disetujui" and s.agreed_at is not None and [r.text for r in s.rhk] == ["Layanan KTP-el"]
               for s in by_nip.values())
    ratings = {r.skp_id: r for r in session.execute(select(Rating).where(Rating.period == "akhir")).scalars()}
    assert {nip: (ratings[s.id].hasil_kerja, ratings[s.id].perilaku, ratings[s.id].predikat_usulan)
            for nip, s in by_nip.items()} == {NIP_ANI: ("di_atas", "di_atas", "sangat_baik"),
                                              NIP_BUDI: ("di_bawah", "sesuai", "butuh_perbaikan"),
                                              NIP_CITRA: ("sesuai", "sesuai", "baik")}
    for nip, s in by_nip.items():
        history = session.execute(select(PredikatRecord.predikat, PredikatRecord.source).where(
            PredikatRecord.skp_id == s.id).order_by(PredikatRecord.id)).all()
        assert [tuple(h) for h in history] == [(expected[nip], "rating"), (expected[nip], "kalibrasi")], nip
    [appeal] = session.execute(select(Appeal)).scalars()
    assert (appeal.skp_id, appeal.reasons, appeal.decision, appeal.new_predikat, appeal.decided_by) == (
        by_nip[NIP_BUDI].id, "Cek bukti", "tetap", None, "kabid_a")
    for nip, s in by_nip.items():
        signatures = list(session.execute(select(Signature).where(Signature.skp_id == s.id,
                                                                  Signature.document == "dokumen_evaluasi")
                                          .order_by(Signature.id)).scalars())
        assert [x.role for x in signatures] == ["pejabat_penilai", "pegawai", "atasan_pejabat_penilai"], nip
        assert {x.content_sha256 for x in signatures} == {final[nip]["hash_dokumen"]}, nip
        assert final[nip]["dokumen_evaluasi"]["hash_dokumen"] == final[nip]["hash_dokumen"]
    assert len({final[nip]["hash_dokumen"] for nip in cycles}) == 3  # one document per employee
    [unit_rating] = session.execute(select(UnitRating)).scalars()
    assert (unit_rating.capaian, unit_rating.year, unit_rating.set_by) == ("baik", 2027, "kabid_a")
    [publication] = session.execute(select(Publication)).scalars()
    assert publication.aggregate["capaian_unit"] == "baik"
    assert (publication.aggregate["jumlah_pegawai"], publication.aggregate["jumlah_dinilai"]) == (3, 3)
    # Published once every window closed; three people are below the minimum group (5): no distribution.
    assert publication.aggregate["distribusi"] is None and publication.aggregate["ditahan"] == "kelompok_kecil"
    assert agregat["jumlah_per_predikat"] == {"sangat_baik": 1, "baik": 1, "butuh_perbaikan": 1,
                                              "kurang_misconduct": 0, "sangat_kurang": 0}
    assert publication.aggregate["individu"] == []  # nobody consented to have their name published
    [plan] = session.execute(select(DevelopmentPlan)).scalars()
    assert (plan.skp_id, plan.reason_predikat, plan.training_recommendation) == (
        by_nip[NIP_BUDI].id, "butuh_perbaikan", "Pelatihan teknis")
    assert audit.verify(session) == []
