"""Stage 2, pemantauan_kinerja and umpan_balik_rekan: realisations, feedback, coaching, raters."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..appraisals.records import RecordInvalid, text
from ..cycle import periods
from ..organisation import org
from ..planning import skp
from ..rating import ratings
from .common import employee_of_actor, skp_of_step

#: The rater "NIP" of the public's feedback: no person, the unit's public.
PUBLIC_RATER = "PUBLIK"


def _label(periode: int | str) -> str:
    """Return a period's label: its name (Triwulan II), or `periode_<n>` for a number (older instances)."""
    return periode if isinstance(periode, str) else f"periode_{periode}"


def siapkan_periode(tahun: int, jenis_periode: str, batas_pengisian: Any = "P5D",
                    buka_realisasi: Any = "P7D") -> list[dict[str, Any]]:
    """Compute this SKP's periods from its start (1 January, or a late SKP's start) and record them."""
    run, found = skp_of_step()
    computed = periods.daftar_periode(tahun, jenis_periode, found.period_start.isoformat(), batas_pengisian,
                                      buka_realisasi)
    periods.record_periods(run.session, found, jenis_periode, computed, run.actor)
    return computed


def catat_realisasi(periode: int | str, realisasi: list[dict[str, Any]]) -> dict[str, Any]:
    """Record a monitoring period's realisations (the realisasi_editor answer) as the employee who gave them."""
    run, found = skp_of_step()
    period = _label(periode)
    for item in realisasi or []:
        value = item.get("nilai")  # None: the catatan explains why there is no value this period
        skp.record_realisation(run.session, found, item["iki_id"], period, None if value is None else str(value),
                               run.actor,
                               evidence_url=item.get("bukti_dukung"), remark=item.get("catatan"))
    return {"periode": period, "jumlah": len(realisasi or [])}

def catat_umpan_balik(periode: int | str, umpan_balik: str) -> str:
    """Record the appraiser's continuous feedback for a monitoring period; return the period label."""
    run, found = skp_of_step()
    period = _label(periode)
    skp.record_feedback(run.session, found, period, umpan_balik, run.actor, author=employee_of_actor(run))
    return period

def catat_bimbingan(tanggal: str, jenis: str, topik: str, rencana_tindak_lanjut: str | None,
                    b18: dict[str, Any], b19: dict[str, Any]) -> dict[str, Any]:
    """Record a coaching session (the coach is the step's actor) with its B.1.8 and B.1.9 answers."""
    run, found = skp_of_step()
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

def catat_evaluasi_periodik(periode: str, hasil_kerja: str, perilaku: str, predikat: str,
                            catatan: str | None = None) -> dict[str, Any]:
    """Record a period's rating with the periodic predikat the matrix derived (PermenPANRB 6/2022 Ps 28).

    The predikat is stored on the period's rating only: the predikat history (and the curve) is the
    annual one's.
    """
    run, found = skp_of_step()
    rating = ratings.record_rating(run.session, found, hasil_kerja, perilaku, predikat, run.actor,
                                   text("periode", periode) or "")
    if catatan:
        skp.record_feedback(run.session, found, rating.period, catatan, run.actor, author=employee_of_actor(run))
    return {"rating_id": rating.id, "periode": rating.period, "predikat": predikat}

def catat_evaluasi_semester(hasil_kerja: str, perilaku: str, catatan: str | None = None) -> dict[str, Any]:
    """Record a semester-I review of an instance started before the calendar periods (no predikat)."""
    run, found = skp_of_step()
    rating = ratings.record_rating(run.session, found, hasil_kerja, perilaku, None, run.actor, "semester_1")
    if catatan:
        skp.record_feedback(run.session, found, "semester_1", catatan, run.actor, author=employee_of_actor(run))
    return {"rating_id": rating.id, "periode": rating.period}

def catat_umpan_balik_rekan(nip_rekan: str, nilai: dict[str, Any], komentar: str | None = None) -> str:
    """Record one rater's BerAKHLAK answer; the relation (peer, subordinate) comes from the chart."""
    run, found = skp_of_step()
    rater = org.employee_by_nip(run.session, text("nip_rekan", nip_rekan) or "")
    relation = ratings.rater_relation(run.session, found, rater)
    ratings.record_rater_response(run.session, found, rater.nip, relation, dict(nilai or {}), run.actor,
                                  text("komentar", komentar, required=False))
    return relation


def catat_umpan_balik_publik(sumber: str, nilai: dict[str, Any]) -> str:
    """Record the public's feedback of a public-service unit (a survey's averages per BerAKHLAK value)."""
    run, found = skp_of_step()
    ratings.record_rater_response(run.session, found, PUBLIC_RATER, "public", dict(nilai or {}), run.actor,
                                  text("sumber", sumber))
    return "public"
