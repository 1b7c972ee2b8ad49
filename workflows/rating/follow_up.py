"""Follow-up of the final predikat (tindak_lanjut.bpmn): development plans, the PPK's decision, the talent pool."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock

from ..appraisals.records import RecordInvalid, note, one_of, text
from ..models.follow_up import PPK_DECISIONS, SanctionDecision
from ..models.records import DevelopmentPlan, TalentPoolEntry
from ..models.skp import Skp
from .ratings import current_predikat

#: Predikat after which a development plan is drawn up.
POOR_PREDIKATS = ("butuh_perbaikan", "kurang_misconduct", "sangat_kurang")


def create_development_plan(session: Session, skp: Skp, training: str, competency_targets: str, actor: str,
                            improvement_until: date | None = None) -> DevelopmentPlan:
    """Draw up the development plan that follows a poor current predikat."""
    current = current_predikat(session, skp)
    if current is None or current.predikat not in POOR_PREDIKATS:
        raise RecordInvalid(f"SKP {skp.id} has predikat {current.predikat if current else None!r}: a "
                            f"development plan follows {', '.join(POOR_PREDIKATS)}", skp_id=skp.id)
    plan = DevelopmentPlan(skp_id=skp.id, reason_predikat=current.predikat,
                           training_recommendation=text("rekomendasi_pelatihan", training),
                           competency_targets=text("target_kompetensi", competency_targets),
                           improvement_until=improvement_until, created_at=clock.now())
    session.add(plan)
    session.flush()
    note(session, "development_plan_created", actor, skp.instance_id, {
        "skp_id": skp.id, "plan_id": plan.id, "predikat": current.predikat,
        "improvement_until": improvement_until.isoformat() if improvement_until else None})
    return plan


def evaluate_development_plan(session: Session, plan: DevelopmentPlan, outcome: str, actor: str,
                              instance_id: int | None = None, remark: str | None = None) -> DevelopmentPlan:
    """Record how the improvement period ended: membaik or tidak_membaik, with the evaluator's note."""
    if plan.outcome is not None:
        raise RecordInvalid(f"development plan {plan.id} was already evaluated ({plan.outcome})", plan_id=plan.id)
    plan.outcome = one_of("hasil", outcome, ("membaik", "tidak_membaik"))
    plan.evaluation_note = text("catatan", remark, required=False)
    plan.evaluated_at = clock.now()
    session.flush()
    note(session, "development_plan_evaluated", actor, instance_id, {"plan_id": plan.id, "outcome": outcome})
    return plan


def latest_development_plan(session: Session, skp: Skp) -> DevelopmentPlan | None:
    """Return the SKP's most recent development plan."""
    return session.execute(select(DevelopmentPlan).where(DevelopmentPlan.skp_id == skp.id)
                           .order_by(DevelopmentPlan.id.desc()).limit(1)).scalar_one_or_none()


def add_to_talent_pool(session: Session, skp: Skp, previous_predikat: str | None, actor: str) -> TalentPoolEntry:
    """Nominate the SKP's employee for the talent pool: Sangat Baik this year and the year before."""
    current = current_predikat(session, skp)
    if current is None or current.predikat != "sangat_baik" or previous_predikat != "sangat_baik":
        raise RecordInvalid(f"SKP {skp.id}: the talent pool follows two years Sangat Baik, not "
                            f"{previous_predikat!r} then {current.predikat if current else None!r}", skp_id=skp.id)
    entry = session.execute(select(TalentPoolEntry).where(
        TalentPoolEntry.employee_id == skp.employee_id, TalentPoolEntry.year == skp.year)).scalar_one_or_none()
    if entry is None:  # once per employee and year, whichever SKP of the year led there
        entry = TalentPoolEntry(employee_id=skp.employee_id, year=skp.year, skp_id=skp.id, created_at=clock.now())
        session.add(entry)
        session.flush()
        note(session, "talent_pool_nominated", actor, skp.instance_id,
             {"skp_id": skp.id, "entry_id": entry.id, "year": skp.year})
    return entry


def acknowledge_development_plan(session: Session, plan: DevelopmentPlan, actor: str,
                                 instance_id: int | None = None) -> DevelopmentPlan:
    """Record that the employee acknowledged the development plan, with the time (once)."""
    if plan.acknowledged_at is not None:
        raise RecordInvalid(f"development plan {plan.id} was already acknowledged", plan_id=plan.id)
    plan.acknowledged_at, plan.acknowledged_by = clock.now(), actor
    session.flush()
    note(session, "development_plan_acknowledged", actor, instance_id, {"plan_id": plan.id})
    return plan


def recommend_sanction(session: Session, plan: DevelopmentPlan, recommendation: str, reason: str, actor: str,
                       instance_id: int | None = None) -> SanctionDecision:
    """Record the Tim Penilai Kinerja's recommendation to the PPK after an improvement period not met."""
    if plan.outcome != "tidak_membaik":
        raise RecordInvalid(f"development plan {plan.id} ended {plan.outcome!r}: the PPK decides only after "
                            "an improvement period without improvement (PP 30/2019 Ps 57)", plan_id=plan.id)
    if open_sanction(session, plan) is not None:
        raise RecordInvalid(f"development plan {plan.id} already has a recommendation awaiting the PPK",
                            plan_id=plan.id)
    row = SanctionDecision(plan_id=plan.id, recommendation=one_of("rekomendasi", recommendation, PPK_DECISIONS),
                           recommendation_reason=text("alasan_rekomendasi", reason, max_length=4000),
                           recommended_by=actor, recommended_at=clock.now())
    session.add(row)
    session.flush()
    note(session, "sanction_recommended", actor, instance_id,
         {"plan_id": plan.id, "decision_id": row.id, "rekomendasi": recommendation})
    return row


def decide_sanction(session: Session, row: SanctionDecision, decision: str, reason: str, actor: str,
                    instance_id: int | None = None) -> SanctionDecision:
    """Record the PPK's decision (competency test, transfer, demotion, temporary placement) and its reason."""
    if row.decision is not None:
        raise RecordInvalid(f"sanction decision {row.id} was already decided ({row.decision})", decision_id=row.id)
    choice = one_of("keputusan_ppk", decision, PPK_DECISIONS)
    why = text("alasan_keputusan", reason, max_length=4000)
    row.decision, row.decision_reason, row.decided_by, row.decided_at = choice, why, actor, clock.now()
    session.flush()
    note(session, "sanction_decided", actor, instance_id, {
        "plan_id": row.plan_id, "decision_id": row.id, "keputusan": choice,
        "sesuai_rekomendasi": choice == row.recommendation})
    return row


def open_sanction(session: Session, plan: DevelopmentPlan) -> SanctionDecision | None:
    """Return the plan's recommendation still awaiting the PPK's decision, if any."""
    return session.execute(select(SanctionDecision).where(
        SanctionDecision.plan_id == plan.id, SanctionDecision.decision.is_(None))).scalar_one_or_none()
