"""The functions BPMN scripts call to write appraisal records: the only way scripts touch the database.

Each works on the engine step in progress (`engine.context.current_run()`: its session, instance and
actor), takes and returns plain JSON data, and refuses a bad argument with `RecordInvalid` (code
`record_invalid`), which stops the instance as an incident. Documented in docs/script-functions.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import select

from engine.clock import clock
from engine.context import current_run
from engine.sandbox import register_function

from . import appeals, curve, documents, follow_up, org, ratings, skp
from .models.org import Employee
from .models.skp import Skp
from .records import RecordInvalid, text


def _skp() -> tuple[Any, Skp]:
    run = current_run()
    return run, skp.require_skp(run.session, run.instance_id)


def _employee_of_actor(run: Any) -> Employee | None:
    """Return the employee whose NIP is the step's actor (users sign in with their NIP), or None."""
    return run.session.execute(select(Employee).where(Employee.nip == run.actor)).scalar_one_or_none()


def siapkan_skp(nip: str, tahun: int, pendekatan: str = "kuantitatif") -> dict[str, Any]:
    """Open (or find) the SKP of this instance for the employee and year; return its id and status."""
    run = current_run()
    employee = org.employee_by_nip(run.session, text("nip", nip) or "")
    own = skp.skp_of_instance(run.session, run.instance_id) if run.instance_id is not None else None
    if own is not None and own.employee_id == employee.id and own.year == tahun:
        return {"skp_id": own.id, "status": own.status}
    # After a mid-year transfer the year's first SKP is closed: this cycle's SKP starts with the new position.
    found = skp.open_skp(run.session, employee, tahun, run.actor, instance_id=run.instance_id,
                         period_start=skp.transfer_period_start(run.session, employee, tahun),
                         approach=pendekatan)
    return {"skp_id": found.id, "status": found.status}


def simpan_skp(rencana: dict[str, Any]) -> dict[str, Any]:
    """Store the plan drafted in the skp_editor form (RHK, IKI, behaviour expectations, lampiran); submit it."""
    run, found = _skp()
    skp.save_plan(run.session, found, rencana, run.actor)
    skp.set_status(run.session, found, "diajukan", run.actor)  # submitted for the appraiser's review
    return {"skp_id": found.id, "jumlah_rhk": len(found.rhk), "status": found.status}


def kembalikan_skp(catatan: str) -> str:
    """Mark this instance's SKP returned to the employee with the appraiser's note; return the status."""
    run, found = _skp()
    return skp.set_status(run.session, found, "dikembalikan", run.actor, text("catatan", catatan)).status


def setujui_skp() -> str:
    """Mark this instance's SKP agreed (disetujui); return the status."""
    run, found = _skp()
    return skp.set_status(run.session, found, "disetujui", run.actor).status


def catat_realisasi(periode_ke: int, realisasi: list[dict[str, Any]]) -> dict[str, Any]:
    """Record a monitoring period's realisations (the realisasi_editor answer) as the employee who gave them."""
    run, found = _skp()
    period = f"periode_{periode_ke}"
    for item in realisasi or []:
        skp.record_realisation(run.session, found, item["iki_id"], period, str(item["nilai"]), run.actor,
                               evidence_url=item.get("bukti_dukung"), remark=item.get("catatan"))
    return {"periode": period, "jumlah": len(realisasi or [])}


def catat_umpan_balik(periode_ke: int, umpan_balik: str) -> str:
    """Record the appraiser's continuous feedback for a monitoring period; return the period label."""
    run, found = _skp()
    period = f"periode_{periode_ke}"
    skp.record_feedback(run.session, found, period, umpan_balik, run.actor, author=_employee_of_actor(run))
    return period


def catat_bimbingan(tanggal: str, jenis: str, topik: str, rencana_tindak_lanjut: str | None,
                    b18: dict[str, Any], b19: dict[str, Any]) -> dict[str, Any]:
    """Record a coaching session (the coach is the step's actor) with its B.1.8 and B.1.9 answers."""
    run, found = _skp()
    try:
        held_on = date.fromisoformat(str(tanggal)[:10])
    except ValueError:
        raise RecordInvalid(f"tanggal must be an ISO date, not {tanggal!r}")
    for form, scores in (("B.1.8", b18), ("B.1.9", b19)):
        if not isinstance(scores, dict):
            raise RecordInvalid(f"{form} must be a map of answers, not {scores!r}")
    row = skp.record_coaching(run.session, found, held_on, run.actor, run.actor, kind=jenis, notes=topik,
                              follow_up=rencana_tindak_lanjut, b18=b18, b19=b19)
    return {"bimbingan_id": row.id, "tanggal": held_on.isoformat()}


def catat_evaluasi_semester(hasil_kerja: str, perilaku: str, catatan: str | None = None) -> dict[str, Any]:
    """Record the mandatory semester-I review as an interim rating (no predikat) and its note as feedback."""
    run, found = _skp()
    rating = ratings.record_rating(run.session, found, hasil_kerja, perilaku, None, run.actor, "semester_1")
    if catatan:
        skp.record_feedback(run.session, found, "semester_1", catatan, run.actor, author=_employee_of_actor(run))
    return {"rating_id": rating.id, "periode": rating.period}


def catat_umpan_balik_rekan(nip_rekan: str, nilai: dict[str, Any], komentar: str | None = None) -> str:
    """Record one rater's BerAKHLAK answer; the relation (peer, subordinate) comes from the chart."""
    run, found = _skp()
    rater = org.employee_by_nip(run.session, text("nip_rekan", nip_rekan) or "")
    relation = ratings.rater_relation(run.session, found, rater)
    ratings.record_rater_response(run.session, found, rater.nip, relation, dict(nilai or {}), run.actor,
                                  text("komentar", komentar, required=False))
    return relation


def catat_penilaian(hasil_kerja: str, perilaku: str, predikat_usulan: str, periode: str = "akhir",
                    penilaian_rhk: list[dict[str, Any]] | None = None,
                    penilaian_perilaku: dict[str, Any] | None = None) -> dict[str, Any]:
    """Record the appraiser's ratings (overall, per RHK, per BerAKHLAK value) and proposed predikat."""
    run, found = _skp()
    rating = ratings.record_rating(run.session, found, hasil_kerja, perilaku, predikat_usulan, run.actor, periode,
                                   per_rhk=penilaian_rhk, per_value=penilaian_perilaku)
    return {"rating_id": rating.id, "predikat": rating.predikat_usulan}


def tetapkan_predikat(predikat: str, sumber: str, alasan: str | None = None) -> dict[str, Any]:
    """Give this instance's SKP a predikat (sumber: rating | kalibrasi | keberatan); return old and new."""
    run, found = _skp()
    before = ratings.current_predikat(run.session, found)
    ratings.change_predikat(run.session, found, predikat, sumber, run.actor, alasan)
    return {"predikat": predikat, "sebelumnya": before.predikat if before else None}


def catat_capaian_unit(unit_kode: str, tahun: int, capaian: str, periode: str = "akhir") -> dict[str, Any]:
    """Set a unit's performance rating for a year and period; return what was set."""
    run = current_run()
    unit = org.unit_by_code(run.session, text("unit_kode", unit_kode) or "")
    ratings.set_unit_rating(run.session, unit, tahun, capaian, run.actor, periode, run.instance_id)
    return {"unit_kode": unit.code, "tahun": tahun, "periode": periode, "capaian": capaian}


def hitung_distribusi(unit_kode: str, tahun: int) -> dict[str, int]:
    """Return the count of current predikat per value in the unit and year (zeros included)."""
    run = current_run()
    unit = org.unit_by_code(run.session, text("unit_kode", unit_kode) or "")
    return ratings.distribution(run.session, unit, tahun)


def catat_keberatan(alasan: str) -> dict[str, Any]:
    """File an objection against this instance's current predikat; return the appeal id."""
    run, found = _skp()
    return {"keberatan_id": appeals.file_appeal(run.session, found, alasan, run.actor).id}


def catat_penjelasan_keberatan(pihak: str, penjelasan: str) -> str:
    """Record the appraiser's (penilai) or the employee's (pegawai) explanation of the open objection."""
    run, found = _skp()
    appeal = appeals.open_appeal(run.session, found)
    if appeal is None:
        raise RecordInvalid(f"SKP {found.id} has no open objection to explain")
    appeals.add_explanation(run.session, appeal, pihak, penjelasan, run.actor, run.instance_id)
    return pihak


def periksa_pola_distribusi(batas_distribusi: dict[str, Any] | None, jumlah_predikat: dict[str, int],
                            capaian_unit: str | None) -> list[str]:
    """Apply pola_distribusi.dmn's limits to a count of predikat; return the violations (empty: compliant)."""
    if not isinstance(jumlah_predikat, dict):
        raise RecordInvalid(f"jumlah_predikat must be a map predikat → count, not {jumlah_predikat!r}")
    return curve.violations(batas_distribusi, jumlah_predikat, capaian_unit)


def capaian_unit_tercatat(unit_kode: str, tahun: int) -> str | None:
    """Return the unit's recorded rating for the year (period akhir), or None when not set yet."""
    run = current_run()
    unit = org.unit_by_code(run.session, text("unit_kode", unit_kode) or "")
    found = ratings.unit_rating(run.session, unit.id, tahun)
    return found.capaian if found else None


def catat_cek_kurva_keberatan(pelanggaran: list[str]) -> bool:
    """Record the re-check of the unit's curve after an appeal changed the predikat; return the flag."""
    run, found = _skp()
    appeal = appeals.latest_decided(run.session, found)
    if appeal is None:
        raise RecordInvalid(f"SKP {found.id} has no decided objection to re-check", skp_id=found.id)
    return appeals.record_curve_check(run.session, appeal, list(pelanggaran or []), run.actor,
                                      run.instance_id).curve_flag


def putuskan_keberatan(keputusan: str, predikat_baru: str | None = None, alasan: str | None = None
                       ) -> dict[str, Any]:
    """Decide the open objection (tetap | ubah); return the decision and the predikat now in force."""
    run, found = _skp()
    appeal = appeals.decide_appeal(run.session, found, keputusan, run.actor, predikat_baru, alasan)
    current = ratings.current_predikat(run.session, found)
    return {"keputusan": appeal.decision, "predikat": current.predikat if current else None,
            "cek_kurva_ulang": appeal.curve_flag}


def tandatangani(dokumen: str, peran: str) -> str:
    """Sign this instance's document (skp | dokumen_evaluasi) in a role as the step's actor; return the sha256."""
    run, found = _skp()
    return documents.sign(run.session, found, dokumen, peran, run.actor).content_sha256


def publikasikan_unit(unit_kode: str, tahun: int, predikat_final: dict[str, str] | None = None) -> dict[str, Any]:
    """Publish the unit's aggregate for the year and return it (names only of consenting employees).

    predikat_final (NIP → predikat, the calibration's final mapping) overrides the predikat on record.
    """
    run = current_run()
    unit = org.unit_by_code(run.session, text("unit_kode", unit_kode) or "")
    if predikat_final is not None and not isinstance(predikat_final, dict):
        raise RecordInvalid(f"predikat_final must be a map NIP → predikat, not {predikat_final!r}")
    return dict(documents.publish_unit(run.session, unit, tahun, run.actor, run.instance_id,
                                       final=predikat_final).aggregate)


def buat_rencana_pengembangan(rekomendasi_pelatihan: str, target_kompetensi: str,
                              perbaikan_sampai: str | None = None, masa_perbaikan: str | None = None
                              ) -> dict[str, Any]:
    """Draw up the development plan after a poor predikat.

    perbaikan_sampai is an ISO date; or masa_perbaikan, an ISO duration (the process's improvement
    timer, `P6M`), counted from today in Samarinda, gives it.
    """
    run, found = _skp()
    until = None
    if perbaikan_sampai is not None:
        try:
            until = date.fromisoformat(str(perbaikan_sampai)[:10])
        except ValueError:
            raise RecordInvalid(f"perbaikan_sampai must be an ISO date, not {perbaikan_sampai!r}")
    elif masa_perbaikan is not None:
        until = _after(str(masa_perbaikan))
    plan = follow_up.create_development_plan(run.session, found, rekomendasi_pelatihan, target_kompetensi,
                                             run.actor, until)
    return {"rencana_id": plan.id, "predikat": plan.reason_predikat,
            "perbaikan_sampai": until.isoformat() if until else None}


def _after(duration: str) -> date:
    """Return the local date a duration after the engine's now (as the BPMN timer counts it)."""
    try:
        parts = TimerEventDefinition.parse_iso_duration(duration)
    except Exception:
        raise RecordInvalid(f"masa_perbaikan must be an ISO duration such as P6M, not {duration!r}")
    start = clock.now().astimezone(clock.local_tz)
    return (start + TimerEventDefinition.get_timedelta_from_start(parts, start)).date()


def evaluasi_masa_perbaikan(hasil: str, catatan: str | None = None) -> dict[str, Any]:
    """Record how the improvement period of the SKP's latest development plan ended (membaik | tidak_membaik)."""
    run, found = _skp()
    plan = follow_up.latest_development_plan(run.session, found)
    if plan is None:
        raise RecordInvalid(f"SKP {found.id} has no development plan to evaluate", skp_id=found.id)
    follow_up.evaluate_development_plan(run.session, plan, hasil, run.actor, run.instance_id, catatan)
    return {"rencana_id": plan.id, "hasil": plan.outcome}


def catat_talent_pool(predikat_tahun_lalu: str | None) -> dict[str, Any]:
    """Nominate the employee for the talent pool after two years Sangat Baik; return the entry."""
    run, found = _skp()
    entry = follow_up.add_to_talent_pool(run.session, found, predikat_tahun_lalu, run.actor)
    return {"talent_pool_id": entry.id, "tahun": entry.year}


#: The documented set, by the name scripts use.
FUNCTIONS: dict[str, Callable[..., Any]] = {fn.__name__: fn for fn in (
    siapkan_skp, simpan_skp, kembalikan_skp, setujui_skp,
    catat_realisasi, catat_umpan_balik, catat_bimbingan, catat_evaluasi_semester, catat_umpan_balik_rekan,
    catat_penilaian, tetapkan_predikat, catat_capaian_unit, hitung_distribusi, periksa_pola_distribusi,
    capaian_unit_tercatat,
    catat_keberatan, catat_penjelasan_keberatan, putuskan_keberatan, catat_cek_kurva_keberatan,
    tandatangani, publikasikan_unit,
    buat_rencana_pengembangan, evaluasi_masa_perbaikan, catat_talent_pool)}


def register_all() -> None:
    """Register the set with the script sandbox (idempotent: registering again replaces the same functions)."""
    for name, fn in FUNCTIONS.items():
        register_function(name, fn)
