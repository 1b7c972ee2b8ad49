"""keberatan (PP 30/2019 Ps 59): the 14-day window, explanations, final decision; persetujuan."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from engine import audit
from engine.errors import Conflict
from engine.models import AuditEvent
from tests.workflows.lifecycle import (
    NIP_ANI,
    NIP_BUDI,
    NIP_CITRA,
    T0,
    Lifecycle,
    siklus_data,
)
from workflows.models import Appeal, PredikatRecord, Signature
from workflows.organisation import org
from workflows.rating import ratings

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

WITA = timezone(timedelta(hours=8))

LIFECYCLE_FILES = ["keberatan.bpmn", "persetujuan.bpmn", "pola_distribusi.dmn"]
#: A notice delivered on 4 January 2027 (T0) can be objected to through 18 January (PP 30/2019 Ps 59).
WINDOW_END = datetime(2027, 1, 18, 23, 59, 59, tzinfo=WITA).astimezone(UTC)


def _events_with_actor(lifecycle: Lifecycle, iid: int, event_type: str) -> list[tuple[str, dict]]:
    rows = lifecycle.session.execute(select(AuditEvent).where(
        AuditEvent.instance_id == iid, AuditEvent.event_type == event_type).order_by(AuditEvent.seq)).scalars()
    return [(e.actor, json.loads(e.data)) for e in rows]


def notified(lifecycle: Lifecycle, predikat: str = "butuh_perbaikan") -> int:
    lifecycle.give_predikat(NIP_ANI, predikat)  # as penilaian_kinerja records it
    iid = lifecycle.start("keberatan", siklus_data(NIP_ANI, predikat=predikat), key="k")
    notice = lifecycle.task(iid, "Task_beritahu_predikat")
    assert notice.assignee == NIP_ANI
    assert {f["id"]: f["value"] for f in notice.form["fields"]}["predikat"] == predikat
    lifecycle.do(iid, "Task_beritahu_predikat", {"predikat_diketahui": True})
    return iid


def file_appeal(lifecycle: Lifecycle, iid: int) -> None:
    lifecycle.do(iid, "Task_ajukan_keberatan", {"ajukan_keberatan": "ajukan",
                                                 "alasan_keberatan": "Bukti dukung triwulan IV belum dinilai."})
    explain = {t.bpmn_id: t for t in lifecycle.open_tasks(iid)}
    assert sorted(explain) == ["Task_penjelasan_pegawai", "Task_penjelasan_penilai"]
    assert explain["Task_penjelasan_penilai"].assignee == "kasi_a"
    assert explain["Task_penjelasan_pegawai"].assignee == NIP_ANI
    lifecycle.do(iid, "Task_penjelasan_penilai", {"penjelasan_penilai": "Target utama tidak tercapai."})
    lifecycle.do(iid, "Task_penjelasan_pegawai", {"penjelasan_pegawai": "Lihat laporan Desember."})


def test_appeal_filed_in_time_and_upheld(lifecycle: Lifecycle):
    iid = notified(lifecycle)
    file_appeal(lifecycle, iid)
    decide = lifecycle.task(iid, "Task_putuskan")
    # No conflict of interest: the appraiser's superior decides, in the decider's lane.
    assert decide.assignee == "kabid_a" and decide.lane == "Pemutus Keberatan"
    assert lifecycle.variables(iid)["jalur_keberatan"] == "atasan"
    assert lifecycle.events(iid, "appeal_decider_substituted") == []
    values = {f["id"]: f["value"] for f in decide.form["fields"]}
    assert values["penjelasan_penilai"] == "Target utama tidak tercapai."
    assert values["alasan_keberatan"] == "Bukti dukung triwulan IV belum dinilai."
    lifecycle.do(iid, "Task_putuskan", {"keputusan_keberatan": "tetap", "alasan_keputusan": "Penilaian sesuai."})
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert (data["predikat"], data["keberatan_diajukan"], data["keberatan_hasil"]) == (
        "butuh_perbaikan", True, "tetap")
    assert data["cek_kurva_ulang"] is False
    appeal = lifecycle.session.execute(select(Appeal)).scalar_one()
    assert appeal.reasons == "Bukti dukung triwulan IV belum dinilai."
    assert (appeal.decision, appeal.new_predikat, appeal.curve_flag, appeal.decided_by) == (
        "tetap", None, False, "kabid_a")
    # Both explanations are on the appeal record, each written by the one who gave it.
    assert (appeal.explanation_appraiser, appeal.explanation_employee) == (
        "Target utama tidak tercapai.", "Lihat laporan Desember.")
    explained = {d["side"]: actor for actor, d in _events_with_actor(lifecycle, iid, "appeal_explained")}
    assert explained == {"penilai": "kasi_a", "pegawai": NIP_ANI}
    assert data["putusan_keberatan"] == {"keputusan": "tetap", "predikat": "butuh_perbaikan",
                                         "cek_kurva_ulang": False}
    assert audit.verify(lifecycle.session) == []


def unit_rated(lifecycle: Lifecycle, capaian: str, **predikat: str) -> None:
    """Record the unit's rating and the final predikat of Ani's colleagues, as the calibration left them."""
    session = lifecycle.session
    ratings.set_unit_rating(session, org.unit_by_code(session, "SEKSI-A"), 2027, capaian, "kabid_a")
    session.commit()
    for nip, value in predikat.items():
        lifecycle.give_predikat(nip, value)


@pytest.mark.parametrize(("budi", "flagged", "violation"), [
    # Budi is Butuh Perbaikan too: the unit keeps someone below Baik, the pattern holds.
    ("butuh_perbaikan", False, None),
    # Ani was the only one: a "baik" unit now has nobody below Baik.
    ("baik", True, "harus ada pegawai dengan predikat Butuh Perbaikan dan/atau Kurang/Misconduct"),
])
def test_a_changed_predikat_is_rechecked_against_the_units_curve(lifecycle: Lifecycle, budi, flagged, violation):
    unit_rated(lifecycle, "baik", **{NIP_BUDI: budi, NIP_CITRA: "sangat_baik"})
    iid = notified(lifecycle)
    file_appeal(lifecycle, iid)
    lifecycle.do(iid, "Task_putuskan", {"keputusan_keberatan": "ubah", "predikat_baru": "baik",
                                         "alasan_keputusan": "Bukti baru."})
    if flagged:
        # The decision stands (final); the broken curve becomes the unit leader's task, violations shown.
        review = lifecycle.task(iid, "Task_tinjau_distribusi")
        assert review.assignee == "kabid_a" and review.lane == "Pimpinan Unit"
        shown = {f["id"]: f["value"] for f in review.form["fields"]}
        assert violation in shown["ringkasan_pelanggaran_kurva"]
        assert (shown["predikat_sebelum_keberatan"], shown["predikat"]) == ("butuh_perbaikan", "baik")
        lifecycle.do(iid, "Task_tinjau_distribusi", {"tindak_lanjut_kurva": "Dijelaskan kepada BKPSDM."})
        [(_, reviewed)] = lifecycle.events(iid, "appeal_curve_reviewed")
        assert reviewed["tindak_lanjut"] == "Dijelaskan kepada BKPSDM."
    else:
        assert lifecycle.open_tasks(iid) == []
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert data["predikat"] == "baik" and data["cek_kurva_ulang"] is flagged
    assert data["jumlah_predikat"]["baik"] == (2 if budi == "baik" else 1)
    assert (violation in " ".join(data["pelanggaran_kurva"])) if violation else data["pelanggaran_kurva"] == []
    appeal = lifecycle.session.execute(select(Appeal)).scalar_one()
    assert appeal.curve_flag is flagged
    [(_, checked)] = lifecycle.events(iid, "appeal_curve_checked")
    assert checked["flagged"] is flagged and checked["violations"] == data["pelanggaran_kurva"]
    [(_, decision)] = [e for e in lifecycle.events(iid, "decision_evaluated")
                       if e[1]["decision_id"] == "pola_distribusi"]
    assert decision["inputs"] == {"Capaian kinerja unit": "baik"}


def test_an_upheld_appeal_needs_no_curve_check(lifecycle: Lifecycle):
    unit_rated(lifecycle, "baik", **{NIP_BUDI: "baik"})
    iid = notified(lifecycle)
    file_appeal(lifecycle, iid)
    lifecycle.do(iid, "Task_putuskan", {"keputusan_keberatan": "tetap", "alasan_keputusan": "Sesuai."})
    data = lifecycle.variables(iid)
    assert data["pelanggaran_kurva"] == [] and data["cek_kurva_ulang"] is False
    assert lifecycle.events(iid, "appeal_curve_checked") == []


def test_appeal_filed_in_time_and_changed_flags_the_curve(lifecycle: Lifecycle):
    iid = notified(lifecycle)
    file_appeal(lifecycle, iid)
    # "Change" without a new predikat is incomplete: the decision comes back.
    lifecycle.do(iid, "Task_putuskan", {"keputusan_keberatan": "ubah", "alasan_keputusan": "Bukti baru."})
    lifecycle.do(iid, "Task_putuskan", {"keputusan_keberatan": "ubah", "predikat_baru": "baik",
                                         "alasan_keputusan": "Bukti baru."})
    lifecycle.do(iid, "Task_tinjau_distribusi", {"tindak_lanjut_kurva": "Capaian unit segera ditetapkan."})
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert (data["predikat"], data["predikat_sebelum_keberatan"]) == ("baik", "butuh_perbaikan")
    assert data["keberatan_hasil"] == "diubah" and data["cek_kurva_ulang"] is True
    # No unit rating on record yet: the curve cannot be checked, which is flagged too.
    assert data["pelanggaran_kurva"] == [
        "Capaian kinerja unit belum ditetapkan: pola distribusi tidak dapat diperiksa."]
    appeal = lifecycle.session.execute(select(Appeal)).scalar_one()
    assert (appeal.decision, appeal.new_predikat, appeal.curve_flag) == ("ubah", "baik", True)
    history = lifecycle.session.execute(select(PredikatRecord.predikat, PredikatRecord.source)
                                        .order_by(PredikatRecord.id)).all()
    assert [tuple(h) for h in history] == [("butuh_perbaikan", "kalibrasi"), ("baik", "keberatan")]


def test_no_appeal_the_window_closes_after_14_days(lifecycle: Lifecycle):
    iid = lifecycle.start("keberatan", siklus_data(NIP_ANI, predikat="baik"), key="k")
    # The window runs from the notice's delivery (4 January), acknowledged or not, to the end of 18 January.
    assert lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC) == WINDOW_END
    lifecycle.do(iid, "Task_beritahu_predikat", {"predikat_diketahui": True})
    lifecycle.task(iid, "Task_ajukan_keberatan")
    assert lifecycle.worker(WINDOW_END - timedelta(minutes=1)) == []
    assert lifecycle.worker(WINDOW_END + timedelta(seconds=1)) == [iid]
    assert lifecycle.status(iid) == "completed"
    assert [d["bpmn_id"] for _, d in lifecycle.events(iid, "task_cancelled")] == ["Task_ajukan_keberatan"]
    data = lifecycle.variables(iid)
    assert (data["keberatan_diajukan"], data["keberatan_hasil"], data["predikat"]) == (
        False, "tidak_diajukan", "baik")


def test_an_appeal_filed_after_the_14_days_is_refused_and_changes_nothing(lifecycle: Lifecycle):
    iid = notified(lifecycle)
    late = lifecycle.task(iid, "Task_ajukan_keberatan")
    assert lifecycle.worker(WINDOW_END + timedelta(seconds=1)) == [iid]
    before = (lifecycle.instance(iid).audit_seq, lifecycle.variables(iid))
    with pytest.raises(Conflict) as refused:
        lifecycle.complete(late, {"ajukan_keberatan": "ajukan", "alasan_keberatan": "Terlambat, tetapi keberatan."},
                           actor=NIP_ANI)
    assert refused.value.details["state"] == "cancelled"
    assert (lifecycle.instance(iid).audit_seq, lifecycle.variables(iid)) == before
    assert lifecycle.session.execute(select(Appeal)).scalars().all() == []
    assert lifecycle.variables(iid)["keberatan_hasil"] == "tidak_diajukan"


def test_declining_to_appeal_ends_the_window_early(lifecycle: Lifecycle):
    iid = notified(lifecycle, "baik")
    lifecycle.do(iid, "Task_ajukan_keberatan", {"ajukan_keberatan": "tidak"})
    assert lifecycle.status(iid) == "completed"
    assert lifecycle.instance(iid).next_timer_at is None


def test_an_appeal_needs_a_reason_and_the_window_does_not_restart(lifecycle: Lifecycle):
    iid = notified(lifecycle)
    due = lifecycle.instance(iid).next_timer_at
    lifecycle.worker(T0 + timedelta(days=3))
    lifecycle.do(iid, "Task_ajukan_keberatan", {"ajukan_keberatan": "ajukan", "alasan_keberatan": " "})
    lifecycle.task(iid, "Task_ajukan_keberatan")
    assert lifecycle.instance(iid).next_timer_at == due
    assert lifecycle.worker(WINDOW_END + timedelta(seconds=1)) == [iid]
    assert lifecycle.variables(iid)["keberatan_hasil"] == "tidak_diajukan"


def test_evaluation_document_is_signed_received_and_approved(lifecycle: Lifecycle):
    lifecycle.give_predikat(NIP_ANI, "baik")
    iid = lifecycle.start("persetujuan", siklus_data(NIP_ANI, predikat="baik"), key="k")
    assert lifecycle.task(iid, "Task_tandatangani").assignee == "kasi_a"
    lifecycle.do(iid, "Task_tandatangani", {"setuju_penilai": True})
    assert lifecycle.task(iid, "Task_terima_dokumen").assignee == NIP_ANI
    lifecycle.do(iid, "Task_terima_dokumen", {"setuju_pegawai": True, "catatan_pegawai": "Terima kasih"})
    assert lifecycle.task(iid, "Task_setujui").assignee == "kabid_a"
    lifecycle.do(iid, "Task_setujui", {"setuju_atasan": True})
    assert lifecycle.status(iid) == "completed"
    dokumen = lifecycle.variables(iid)["dokumen_evaluasi"]
    assert dokumen["ditandatangani_penilai"] and dokumen["diterima_pegawai"] and dokumen["disetujui_atasan"]
    completed = [(d["bpmn_id"]) for _, d in lifecycle.events(iid, "task_completed")]
    assert completed == ["Task_tandatangani", "Task_terima_dokumen", "Task_setujui"]
    # Three signatures over the same content: the same hash, the one the process keeps.
    signatures = list(lifecycle.session.execute(select(Signature).order_by(Signature.id)).scalars())
    assert [(s.role, s.signer) for s in signatures] == [
        ("pejabat_penilai", "kasi_a"), ("pegawai", NIP_ANI), ("atasan_pejabat_penilai", "kabid_a")]
    assert {s.content_sha256 for s in signatures} == {dokumen["hash_dokumen"]}
    assert audit.verify(lifecycle.session) == []
