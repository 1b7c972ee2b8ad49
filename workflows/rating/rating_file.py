"""What the appraiser judges at the annual rating: the year's record of one SKP, read from the domain tables.

The rating task shows it read-only (`berkas_penilaian`), so the appraiser rates the plan that was agreed,
the realisations and evidence of every period, the periodic ratings and the feedback given, rather than
from memory (PermenPANRB 6/2022: the evaluation rests on the documented performance, DOMAIN.md 2.4-2.5).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.records import Rating
from ..models.skp import BehaviourExpectation, Feedback, Iki, Realisation, Skp
from .ratings import employee_of

#: How a rating reads in words (notice, files).
RATING_LABELS = {"di_atas": "di atas ekspektasi", "sesuai": "sesuai ekspektasi", "di_bawah": "di bawah ekspektasi"}


def label(rating: str | None) -> str | None:
    """Return a rating in words (di_atas -> di atas ekspektasi); other values as they are."""
    return RATING_LABELS.get(rating or "", rating)


def documented_plan(session: Session, skp: Skp) -> list[dict[str, Any]]:
    """Return the SKP's RHK with their IKI, targets and every realisation recorded (value, note, evidence)."""
    rhk = []
    for item in skp.rhk:
        indicators = []
        for iki in session.execute(select(Iki).where(Iki.rhk_id == item.id).order_by(Iki.id)).scalars():
            done = session.execute(select(Realisation).where(Realisation.iki_id == iki.id)
                                   .order_by(Realisation.id)).scalars()
            indicators.append({"uraian": iki.text, "target": iki.target, "satuan": iki.unit, "realisasi": [
                {"periode": r.period, "nilai": r.value, "catatan": r.note, "bukti_dukung": r.evidence_url}
                for r in done]})
        rhk.append({"id": item.id, "jenis": item.kind, "uraian": item.text, "iki": indicators})
    return rhk


def rating_file(session: Session, skp: Skp) -> dict[str, Any]:
    """Return the SKP with realisations per IKI, the periodic ratings, the feedback and the expectations."""
    rhk = documented_plan(session, skp)
    periodic = session.execute(select(Rating).where(Rating.skp_id == skp.id, Rating.period != "akhir")
                               .order_by(Rating.id)).scalars()
    feedback = session.execute(select(Feedback).where(Feedback.skp_id == skp.id)
                               .order_by(Feedback.id)).scalars()
    expectations = session.execute(select(BehaviourExpectation).where(BehaviourExpectation.skp_id == skp.id)
                                   .order_by(BehaviourExpectation.id)).scalars()
    employee = employee_of(session, skp)
    return {
        "pegawai": {"nip": employee.nip, "nama": employee.name}, "tahun": skp.year,
        "periode_skp": {"mulai": skp.period_start.isoformat(), "selesai": skp.period_end.isoformat()},
        "rhk": rhk,
        "ekspektasi_perilaku": [{"nilai": e.value_code, "ekspektasi": e.expectation} for e in expectations],
        "evaluasi_periodik": [{"periode": r.period, "hasil_kerja": label(r.hasil_kerja),
                               "perilaku": label(r.perilaku), "predikat": r.predikat_usulan} for r in periodic],
        "umpan_balik": [{"periode": f.period, "teks": f.text} for f in feedback],
    }
