"""The appraisals of one employee as their personal-data export holds them: every SKP and its records.

Only what the employee may read today: the plan, realisations, ratings, predikat (with calibration and
appeal reasons), appeals, signatures, development plans, the multi-rater aggregate (never a rater or a
single answer: `multi_rater.aggregate`) and the trail as `privacy.trail_for_employee` redacts it. Other
people appear only as the officials acting on the file (appraiser, superior, signers, decider), by name.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.lifecycle import instances

from ..audit.audit_trail import actor_names
from ..models.follow_up import SanctionDecision
from ..models.org import Employee, Position, Unit
from ..models.periods import MonitoringPeriod
from ..models.records import Appeal, AppealWindow, DevelopmentPlan, Rating, Signature
from ..models.skp import CoachingSession, Feedback, Skp
from ..organisation import org
from ..planning import skp_views
from ..rating import ratings
from ..rating.rating_file import documented_plan
from . import multi_rater, privacy


def _official(session: Session, position_id: int | None, names: dict[int, str | None]) -> dict[str, Any] | None:
    """Return an official's position and the name of whoever holds it now (a Plt/Plh shows as the holder)."""
    if position_id is None:
        return None
    position = session.get(Position, position_id)
    if position is None:
        return None
    if position_id not in names:
        holder = org.holder_of(session, position, org.today())
        names[position_id] = holder.name if holder is not None else None
    return {"jabatan": position.name, "nama": names[position_id]}


def _named(names: dict[str, str], who: str | None) -> str | None:
    return names.get(who, who) if who else who


def _peer_aggregate(session: Session, skp: Skp) -> dict[str, Any] | None:
    """Return the multi-rater aggregate at the cycle's threshold (never below the documented default)."""
    if not multi_rater.responses(session, skp, (*multi_rater.POOLED, "self")):
        return None
    k = multi_rater.DEFAULT_MIN_RATERS
    if skp.instance_id is not None:
        try:
            configured = instances.variables(instances.load(session, skp.instance_id)).get("min_penilai_agregat")
            k = max(k, multi_rater.min_raters(configured))
        except Exception:  # an unreadable or unset setting keeps the (stricter or equal) default
            pass
    return multi_rater.aggregate(session, skp, k)


def _rows(session: Session, model: Any, skp: Skp) -> list[Any]:
    return list(session.execute(select(model).where(model.skp_id == skp.id).order_by(model.id)).scalars())


def _ratings(session: Session, skp: Skp) -> list[dict[str, Any]]:
    found = []
    for rating in _rows(session, Rating, skp):
        found.append({"periode": rating.period, "hasil_kerja": rating.hasil_kerja, "perilaku": rating.perilaku,
                      "predikat_usulan": rating.predikat_usulan, "dinilai_pada": rating.rated_at,
                      "rincian": [{"rhk_id": d.rhk_id, "nilai_berakhlak": d.value_code, "penilaian": d.rating,
                                   "catatan": d.note} for d in ratings.rating_details(session, rating)]})
    return found


def appraisal(session: Session, skp: Skp, trail: list[dict[str, Any]], holders: dict[int, str | None]
              ) -> dict[str, Any]:
    """Return one SKP with every record the employee may read of it."""
    position, unit = session.get(Position, skp.position_id), session.get(Unit, skp.unit_id)
    signatures = _rows(session, Signature, skp)
    plans = _rows(session, DevelopmentPlan, skp)
    decisions = list(session.execute(select(SanctionDecision).where(
        SanctionDecision.plan_id.in_([p.id for p in plans])).order_by(SanctionDecision.id)).scalars()) if plans else []
    appeals = _rows(session, Appeal, skp)
    coaching = _rows(session, CoachingSession, skp)
    predikat = ratings.predikat_history(session, skp)
    names = actor_names(session, {s.signer for s in signatures} | {a.decided_by for a in appeals if a.decided_by}
                        | {p.changed_by for p in predikat} | {c.coach for c in coaching}
                        | {d.decided_by for d in decisions if d.decided_by})
    return {
        "instance_id": skp.instance_id, "tahun": skp.year, "mulai": skp.period_start, "selesai": skp.period_end,
        "status": skp.status, "alasan_ditutup": skp.closed_reason, "dibuat_pada": skp.created_at,
        "disetujui_pada": skp.agreed_at, "jabatan": position.name if position else None,
        "unit": unit.name if unit else None,
        "pejabat_penilai": _official(session, skp.appraiser_position_id, holders),
        "atasan_pejabat_penilai": _official(session, skp.appraiser_superior_position_id, holders),
        "rencana": skp_views.plan_of(session, skp),
        "realisasi": documented_plan(session, skp),
        "periode_pemantauan": [{"nama": p.name, "jenis": p.kind, "mulai": p.starts_on, "selesai": p.ends_on,
                                "batas_pengisian": p.input_deadline, "akhir": p.final}
                               for p in _rows(session, MonitoringPeriod, skp)],
        "umpan_balik": [{"periode": f.period, "rhk_id": f.rhk_id, "nilai_berakhlak": f.value_code, "teks": f.text,
                         "dibuat_pada": f.created_at} for f in _rows(session, Feedback, skp)],
        "bimbingan": [{"tanggal": c.held_on, "pembimbing": _named(names, c.coach), "jenis": c.kind,
                       "catatan": c.notes, "tindak_lanjut": c.follow_up, "b18": c.b18, "b19": c.b19}
                      for c in coaching],
        "umpan_balik_rekan": _peer_aggregate(session, skp),
        "penilaian": _ratings(session, skp),
        "predikat": [{"predikat": p.predikat, "sumber": p.source, "alasan": p.reason,
                      "oleh": _named(names, p.changed_by), "pada": p.changed_at} for p in predikat],
        "jendela_keberatan": [{"predikat": w.predikat, "diberitahukan_pada": w.notified_at,
                               "hari_terakhir": w.last_day, "ditutup_pada": w.closed_at}
                              for w in _rows(session, AppealWindow, skp)],
        "keberatan": [{"diajukan_pada": a.filed_at, "alasan": a.reasons,
                       "penjelasan_penilai": a.explanation_appraiser, "penjelasan_pegawai": a.explanation_employee,
                       "keputusan": a.decision, "predikat_baru": a.new_predikat,
                       "diputuskan_oleh": _named(names, a.decided_by), "diputuskan_pada": a.decided_at}
                      for a in appeals],
        "tanda_tangan": [{"dokumen": s.document, "peran": s.role, "penanda_tangan": _named(names, s.signer),
                          "pada": s.signed_at, "sha256_isi": s.content_sha256} for s in signatures],
        "rencana_pengembangan": [{"alasan_predikat": p.reason_predikat, "rekomendasi_pelatihan":
                                  p.training_recommendation, "target_kompetensi": p.competency_targets,
                                  "perbaikan_sampai": p.improvement_until, "dibuat_pada": p.created_at,
                                  "hasil": p.outcome, "catatan_evaluasi": p.evaluation_note,
                                  "dievaluasi_pada": p.evaluated_at, "diterima_pada": p.acknowledged_at}
                                 for p in plans],
        "keputusan_tindak_lanjut": [{"rekomendasi": d.recommendation, "alasan_rekomendasi": d.recommendation_reason,
                                     "keputusan": d.decision, "alasan_keputusan": d.decision_reason,
                                     "diputuskan_oleh": _named(names, d.decided_by), "diputuskan_pada": d.decided_at}
                                    for d in decisions],
        "riwayat": [{k: v for k, v in event.items() if k not in ("chain", "seq", "id")} for event in trail
                    if event["instance_id"] == skp.instance_id and skp.instance_id is not None],
    }


def appraisals_of(session: Session, employee: Employee) -> list[dict[str, Any]]:
    """Return every SKP of the employee (with or without a process instance), oldest first."""
    skps = list(session.execute(select(Skp).where(Skp.employee_id == employee.id).order_by(Skp.year, Skp.id))
                .scalars())
    trails: dict[int, list[dict[str, Any]]] = {}
    holders: dict[int, str | None] = {}
    found = []
    for skp in skps:
        if skp.year not in trails:
            trails[skp.year] = privacy.trail_for_employee(session, employee.nip, skp.year)
        found.append(appraisal(session, skp, trails[skp.year], holders))
    return found
