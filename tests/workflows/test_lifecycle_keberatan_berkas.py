"""keberatan: the dated predikat notice, the decider's whole file, and who decides instead of an interested party."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from engine import audit
from tests.workflows.lifecycle import NIP_ANI, POSITION_HOLDERS, Lifecycle, siklus_data
from workflows.models import Appeal, AppealWindow, Employee, Position
from workflows.models.org import Unit
from workflows.organisation import org
from workflows.planning import skp as skp_records
from workflows.rating import ratings

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["keberatan.bpmn", "pola_distribusi.dmn"]
WITA = timezone(timedelta(hours=8))
#: The notice is delivered on 4 January 2027 (T0): the last day to object is 18 January (Ps 59: 14 days).
WINDOW_END = datetime(2027, 1, 18, 23, 59, 59, tzinfo=WITA).astimezone(UTC)
NIP_DEDI = "197001011995031001"
NIP_SEKDA = "196801011990031001"
CALIBRATION_REASON = "Kuota Sangat Baik unit kalibrasi terlampaui; capaian RHK 2 di bawah rekan."


def rated(lifecycle: Lifecycle, nip: str, usulan: str, final: str, hasil: str = "di_atas",
          perilaku: str = "sesuai") -> None:
    """Give the employee an SKP with one IKI and a realisation, the appraiser's rating and the final predikat."""
    session = lifecycle.session
    found = skp_records.open_skp(session, org.employee_by_nip(session, nip), 2027, "tester")
    skp_records.save_plan(session, found, {"rhk": [{"uraian": "Layanan KTP-el", "iki": [
        {"uraian": "KTP-el terbit tepat waktu", "target": "100", "satuan": "persen"}]}]}, "tester")
    iki = found.rhk[0].iki[0]
    skp_records.record_realisation(session, found, iki.id, "periode_4", "97", "tester",
                                   evidence_url="https://arsip.samarindakota.go.id/bukti/ktp.pdf")
    ratings.record_rating(session, found, hasil, perilaku, usulan, "kasi_a")
    if final != usulan:
        ratings.change_predikat(session, found, final, "kalibrasi", "kadis", CALIBRATION_REASON)
    session.commit()


def appeal(lifecycle: Lifecycle, iid: int, penilai: str = "kasi_a", pegawai: str = NIP_ANI) -> None:
    lifecycle.do(iid, "Task_beritahu_predikat", {"predikat_diketahui": True})
    lifecycle.do(iid, "Task_ajukan_keberatan", {"ajukan_keberatan": "ajukan",
                                                 "alasan_keberatan": "Realisasi triwulan IV tidak dipertimbangkan."})
    assert lifecycle.task(iid, "Task_penjelasan_penilai").assignee == penilai
    assert lifecycle.task(iid, "Task_penjelasan_pegawai").assignee == pegawai
    lifecycle.do(iid, "Task_penjelasan_penilai", {"penjelasan_penilai": "Dua bulan target tidak tercapai."})
    lifecycle.do(iid, "Task_penjelasan_pegawai", {"penjelasan_pegawai": "Bukti terlampir di arsip."})


def test_the_notice_states_the_result_the_reason_and_the_last_day_which_is_also_the_due_date(lifecycle):
    rated(lifecycle, NIP_ANI, "sangat_baik", "baik")
    iid = lifecycle.start("keberatan", siklus_data(NIP_ANI, predikat="baik", predikat_usulan="sangat_baik",
                                                   alasan_kalibrasi=CALIBRATION_REASON), key="k")
    notice = lifecycle.task(iid, "Task_beritahu_predikat")
    shown = {f["id"]: f["value"] for f in notice.form["fields"]}
    text = shown["pemberitahuan_predikat"]
    assert "Predikat kinerja Anda tahun 2027: Baik." in text
    assert "hasil kerja: di atas ekspektasi" in text and "perilaku kerja: sesuai ekspektasi" in text
    assert "(Sangat Baik) diubah pada kalibrasi" in text and CALIBRATION_REASON in text
    assert "paling lambat 18 Januari 2027" in text
    assert shown["batas_keberatan"] == "2027-01-18"
    # The receipt is the notice's delivery: the window, the due dates and the timer all end on 18 January.
    window = lifecycle.session.execute(select(AppealWindow)).scalar_one()
    assert window.last_day == date(2027, 1, 18) and window.closed_at is None
    assert notice.due_at.astimezone(UTC) == WINDOW_END
    assert lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC) == WINDOW_END
    lifecycle.do(iid, "Task_beritahu_predikat", {"predikat_diketahui": True})
    assert lifecycle.task(iid, "Task_ajukan_keberatan").due_at.astimezone(UTC) == WINDOW_END
    assert lifecycle.worker(WINDOW_END + timedelta(seconds=1)) == [iid]
    assert lifecycle.status(iid) == "completed"
    lifecycle.session.refresh(window)
    assert window.closed_at is not None


def test_a_notice_without_calibration_change_has_no_reason_line(lifecycle):
    rated(lifecycle, NIP_ANI, "baik", "baik")
    iid = lifecycle.start("keberatan", siklus_data(NIP_ANI, predikat="baik", predikat_usulan="baik",
                                                   alasan_kalibrasi=None), key="k")
    text = lifecycle.variables(iid)["pemberitahuan_predikat"]
    assert "kalibrasi" not in text and "Baik." in text


def test_the_decider_sees_the_whole_file(lifecycle):
    rated(lifecycle, NIP_ANI, "baik", "baik", hasil="sesuai", perilaku="di_bawah")
    iid = lifecycle.start("keberatan", siklus_data(NIP_ANI, predikat="baik", predikat_usulan="baik"), key="k")
    appeal(lifecycle, iid)
    decide = lifecycle.task(iid, "Task_putuskan")
    assert decide.assignee == "kabid_a"
    berkas = {f["id"]: f["value"] for f in decide.form["fields"]}["berkas_keberatan"]
    [rhk] = berkas["rhk"]
    [iki] = rhk["iki"]
    assert (rhk["uraian"], iki["uraian"], iki["target"]) == ("Layanan KTP-el", "KTP-el terbit tepat waktu", "100")
    assert iki["realisasi"] == [{"periode": "periode_4", "nilai": "97", "catatan": None,
                                 "bukti_dukung": "https://arsip.samarindakota.go.id/bukti/ktp.pdf"}]
    assert (berkas["hasil_kerja"], berkas["perilaku"]) == ("sesuai ekspektasi", "di bawah ekspektasi")
    assert (berkas["predikat_usulan"], berkas["predikat"]) == ("baik", "baik")
    assert berkas["alasan_keberatan"] == "Realisasi triwulan IV tidak dipertimbangkan."
    assert (berkas["penjelasan_penilai"], berkas["penjelasan_pegawai"]) == (
        "Dua bulan target tidak tercapai.", "Bukti terlampir di arsip.")


@pytest.fixture
def jpt(lifecycle: Lifecycle, monkeypatch: pytest.MonkeyPatch) -> str:
    """Dedi heads DINAS-A (a JPT appraised by the Wali Kota); Sekda holds the city's SEKDA position."""
    session = lifecycle.session
    pemkot = session.execute(select(Unit).where(Unit.code == "PEMKOT")).scalar_one()
    sekda = Position(code="SEKDA", name="Sekretaris Daerah", kind="sekda", unit=pemkot,
                     reports_to=org.position_by_code(session, "WALIKOTA"))
    session.add(sekda)
    for nip, name, position in ((NIP_DEDI, "Dedi", org.position_by_code(session, "KADIS")),
                                (NIP_SEKDA, "Sekda", sekda)):
        employee = Employee(nip=nip, name=name, kind="pns", status="aktif", gender="L", updated_at=T_ORG)
        session.add(employee)
        org.transfer(session, employee, position, date(2026, 1, 2))
    session.commit()
    monkeypatch.setitem(POSITION_HOLDERS, "WALIKOTA", "walikota")
    monkeypatch.setitem(POSITION_HOLDERS, "SEKDA", NIP_SEKDA)
    return NIP_DEDI


T_ORG = datetime(2026, 12, 1, tzinfo=UTC)


def jpt_cycle(**settings: object) -> dict[str, object]:
    return siklus_data(NIP_DEDI, predikat="baik", predikat_usulan="baik", unit_kode="DINAS-A",
                       jabatan_kode="KADIS", jabatan_penilai_kode="WALIKOTA",
                       jabatan_atasan_penilai_kode="WALIKOTA", **settings)


def test_the_sekda_decides_an_appeal_against_the_wali_kotas_own_rating(lifecycle, jpt):
    rated(lifecycle, jpt, "baik", "baik")
    iid = lifecycle.start("keberatan", jpt_cycle(), key="k")
    appeal(lifecycle, iid, penilai="walikota", pegawai=jpt)
    decide = lifecycle.task(iid, "Task_putuskan")
    assert decide.assignee == NIP_SEKDA and decide.lane == "Pemutus Keberatan"
    data = lifecycle.variables(iid)
    assert (data["jalur_keberatan"], data["jabatan_pemutus_keberatan_kode"]) == ("pengganti", "SEKDA")
    [(_, why)] = lifecycle.events(iid, "appeal_decider_substituted")
    assert why["pemutus"] == "SEKDA" and why["atasan_pejabat_penilai"] == "WALIKOTA"
    assert "penilaiannya sendiri" in why["alasan"]
    lifecycle.do(iid, "Task_putuskan", {"keputusan_keberatan": "tetap", "alasan_keputusan": "Sesuai bukti."})
    assert lifecycle.session.execute(select(Appeal)).scalar_one().decided_by == NIP_SEKDA
    assert audit.verify(lifecycle.session) == []


def test_the_process_owner_can_leave_the_decision_with_the_wali_kota(lifecycle, jpt):
    rated(lifecycle, jpt, "baik", "baik")
    iid = lifecycle.start("keberatan", jpt_cycle(pemutus_keberatan_pengganti="wali_kota"), key="k")
    appeal(lifecycle, iid, penilai="walikota", pegawai=jpt)
    assert lifecycle.task(iid, "Task_putuskan").assignee == "walikota"
    assert lifecycle.events(iid, "appeal_decider_substituted") == []


def test_an_appeal_against_a_calibration_downgrade_reopens_the_calibration(lifecycle):
    rated(lifecycle, NIP_ANI, "sangat_baik", "baik")
    # Calibrated at BIDANG-A: its leader (the Kadis) lowered the predikat, not Ani's appraiser's superior.
    iid = lifecycle.start("keberatan", siklus_data(NIP_ANI, predikat="baik", predikat_usulan="sangat_baik",
                                                   alasan_kalibrasi=CALIBRATION_REASON,
                                                   unit_kalibrasi_kode="BIDANG-A"), key="k")
    appeal(lifecycle, iid)
    assert lifecycle.open_tasks(iid, "Task_putuskan") == []
    review = lifecycle.task(iid, "Task_tinjau_ulang_kalibrasi")
    assert review.assignee == "kadis" and review.lane == "Pimpinan Unit"
    berkas = {f["id"]: f["value"] for f in review.form["fields"]}["berkas_keberatan"]
    assert berkas["alasan_kalibrasi"] == CALIBRATION_REASON and berkas["predikat_usulan"] == "sangat_baik"
    [(_, why)] = lifecycle.events(iid, "appeal_decider_substituted")
    assert why["jalur"] == "kalibrasi_ulang" and "diturunkan pada kalibrasi" in why["alasan"]
    # An incomplete decision comes back to the same leader.
    lifecycle.do(iid, "Task_tinjau_ulang_kalibrasi", {"keputusan_keberatan": "ubah", "alasan_keputusan": "x"})
    lifecycle.do(iid, "Task_tinjau_ulang_kalibrasi", {"keputusan_keberatan": "ubah", "predikat_baru": "sangat_baik",
                                                      "alasan_keputusan": "Realisasi triwulan IV memenuhi."})
    for task in lifecycle.open_tasks(iid, "Task_tinjau_distribusi"):
        lifecycle.complete(task, {"tindak_lanjut_kurva": "Dicatat."})
    assert lifecycle.status(iid) == "completed"
    decided = lifecycle.session.execute(select(Appeal)).scalar_one()
    assert (decided.decision, decided.new_predikat, decided.decided_by) == ("ubah", "sangat_baik", "kadis")
    assert lifecycle.variables(iid)["unit_kurva"] == "BIDANG-A"  # the curve re-checked is the calibration's


def test_a_downgrade_can_go_to_the_superior_when_the_process_owner_says_so(lifecycle):
    rated(lifecycle, NIP_ANI, "sangat_baik", "baik")
    iid = lifecycle.start("keberatan", siklus_data(NIP_ANI, predikat="baik", predikat_usulan="sangat_baik",
                                                   jalur_keberatan_penurunan="atasan"), key="k")
    appeal(lifecycle, iid)
    assert lifecycle.task(iid, "Task_putuskan").assignee == "kabid_a"
    assert lifecycle.events(iid, "appeal_decider_substituted") == []
