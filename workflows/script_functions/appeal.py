"""Stage 6, keberatan: the objection, explanations, decision and the curve re-check."""

from __future__ import annotations

from typing import Any

from ..appraisals.records import RecordInvalid
from ..objections import appeal_notice, appeals
from ..rating import ratings
from .common import skp_of_step


def catat_keberatan(alasan: str) -> dict[str, Any]:
    """File an objection against this instance's current predikat; return the appeal id."""
    run, found = skp_of_step()
    return {"keberatan_id": appeals.file_appeal(run.session, found, alasan, run.actor).id}

def catat_penjelasan_keberatan(pihak: str, penjelasan: str) -> str:
    """Record the appraiser's (penilai) or the employee's (pegawai) explanation of the open objection."""
    run, found = skp_of_step()
    appeal = appeals.open_appeal(run.session, found)
    if appeal is None:
        raise RecordInvalid(f"SKP {found.id} has no open objection to explain")
    appeals.add_explanation(run.session, appeal, pihak, penjelasan, run.actor, run.instance_id)
    return pihak

def putuskan_keberatan(keputusan: str, predikat_baru: str | None = None, alasan: str | None = None
                       ) -> dict[str, Any]:
    """Decide the open objection (tetap | ubah); return the decision and the predikat now in force."""
    run, found = skp_of_step()
    appeal = appeals.decide_appeal(run.session, found, keputusan, run.actor, predikat_baru, alasan)
    current = ratings.current_predikat(run.session, found)
    return {"keputusan": appeal.decision, "predikat": current.predikat if current else None,
            "cek_kurva_ulang": appeal.curve_flag}

def catat_cek_kurva_keberatan(pelanggaran: list[str]) -> bool:
    """Record the re-check of the unit's curve after an appeal changed the predikat; return the flag."""
    run, found = skp_of_step()
    appeal = appeals.latest_decided(run.session, found)
    if appeal is None:
        raise RecordInvalid(f"SKP {found.id} has no decided objection to re-check", skp_id=found.id)
    return appeals.record_curve_check(run.session, appeal, list(pelanggaran or []), run.actor,
                                      run.instance_id).curve_flag

def buka_pemberitahuan_predikat(predikat: str | None, jendela_keberatan: str, alasan_kalibrasi: str | None = None,
                                predikat_usulan: str | None = None) -> dict[str, Any]:
    """Open the objection window as the notice is delivered now; return the notice (text, last day)."""
    run, found = skp_of_step()
    window = appeal_notice.open_window(run.session, found, predikat, jendela_keberatan, run.actor,
                                       run.instance_id)
    notice = appeal_notice.notice(run.session, found, window, alasan_kalibrasi, predikat_usulan)
    # The window ends with its last day in Samarinda: the timer and the task's due date agree.
    return {**notice, "batas_keberatan_waktu": f"{notice['batas_keberatan']}T23:59:59+08:00"}

def baca_berkas_keberatan(alasan_kalibrasi: str | None = None) -> dict[str, Any]:
    """Return the whole file of this instance's appeal for the one who decides it."""
    run, found = skp_of_step()
    return appeal_notice.appeal_file(run.session, found, alasan_kalibrasi)

def tentukan_pemutus_keberatan(jabatan_penilai_kode: str, jabatan_atasan_penilai_kode: str,
                               predikat_usulan: str | None, pemutus_pengganti: str = "sekda",
                               jalur_penurunan: str = "kalibrasi_ulang") -> dict[str, Any]:
    """Name who decides the appeal (never the author of the contested decision); audit a substitution."""
    run, found = skp_of_step()
    return appeals.choose_decider(run.session, found, jabatan_penilai_kode, jabatan_atasan_penilai_kode,
                                  predikat_usulan, pemutus_pengganti, jalur_penurunan, run.actor, run.instance_id)

def catat_tinjauan_kurva_keberatan(tindak_lanjut: str) -> str:
    """Record the unit leader's review of the curve an appeal decision broke."""
    run, found = skp_of_step()
    appeal = appeals.latest_decided(run.session, found)
    if appeal is None:
        raise RecordInvalid(f"SKP {found.id} has no decided objection", skp_id=found.id)
    appeals.record_curve_review(run.session, appeal, tindak_lanjut, run.actor, run.instance_id)
    return tindak_lanjut

def tutup_jendela_keberatan() -> str:
    """Close this instance's objection window (none filed, or decided); return when."""
    run, found = skp_of_step()
    window = appeal_notice.close_window(run.session, found, run.actor, run.instance_id)
    assert window.closed_at is not None
    return window.closed_at.isoformat()
