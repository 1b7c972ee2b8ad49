"""Follow-up after a poor predikat and the partial period at a transfer: acknowledgement, PPK, partial rating."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.context import current_run

from ..appraisals.records import RecordInvalid, text
from ..cycle import partial_period
from ..models.skp import Skp
from ..rating import follow_up
from .common import skp_of_step


def _plan_of_step() -> tuple[Any, Any]:
    run, found = skp_of_step()
    plan = follow_up.latest_development_plan(run.session, found)
    if plan is None:
        raise RecordInvalid(f"SKP {found.id} has no development plan", skp_id=found.id)
    return run, plan

def akui_rencana_pengembangan() -> dict[str, Any]:
    """Record that the employee acknowledged the SKP's latest development plan; return when."""
    run, plan = _plan_of_step()
    follow_up.acknowledge_development_plan(run.session, plan, run.actor, run.instance_id)
    return {"rencana_id": plan.id, "diakui_pada": plan.acknowledged_at.isoformat()}

def catat_rekomendasi_tpk(rekomendasi: str, alasan: str) -> dict[str, Any]:
    """Record the Tim Penilai Kinerja's recommendation to the PPK on the latest plan (not improved)."""
    run, plan = _plan_of_step()
    row = follow_up.recommend_sanction(run.session, plan, rekomendasi, alasan, run.actor, run.instance_id)
    return {"keputusan_id": row.id, "rekomendasi": row.recommendation}

def catat_keputusan_ppk(keputusan: str, alasan: str) -> dict[str, Any]:
    """Record the PPK's decision, with its reason, on the recommendation awaiting it."""
    run, plan = _plan_of_step()
    row = follow_up.open_sanction(run.session, plan)
    if row is None:
        raise RecordInvalid(f"development plan {plan.id} has no recommendation awaiting the PPK", plan_id=plan.id)
    follow_up.decide_sanction(run.session, row, keputusan, alasan, run.actor, run.instance_id)
    return {"keputusan_id": row.id, "keputusan": row.decision, "sesuai_rekomendasi": row.decision == row.recommendation}

def catat_penilaian_parsial(skp_id: int, hasil_kerja: str, perilaku: str, predikat: str, mulai: str,
                            sampai: str, alasan: str | None = None) -> dict[str, Any]:
    """Record the rating of the partial period mulai..sampai (ISO dates) of an SKP and close it (reason alasan)."""
    run = current_run()
    found = run.session.get(Skp, skp_id) if isinstance(skp_id, int) else None
    if found is None:
        raise RecordInvalid(f"no SKP with id {skp_id!r}")
    try:
        start, end = date.fromisoformat(str(mulai)[:10]), date.fromisoformat(str(sampai)[:10])
    except ValueError:
        raise RecordInvalid(f"mulai and sampai must be ISO dates, not {mulai!r} and {sampai!r}")
    rating = partial_period.record_partial_rating(run.session, found, hasil_kerja, perilaku, predikat, start, end,
                                                  run.actor, text("alasan", alasan, required=False))
    return {"rating_id": rating.id, "periode": rating.period, "predikat": rating.predikat_usulan,
            "mulai": start.isoformat(), "sampai": end.isoformat()}

def tambah_durasi(waktu: str, durasi: str) -> str:
    """Return the ISO date-time waktu moved forward by an ISO duration (P30D, P1M), as a BPMN timer counts it."""
    try:
        start = datetime.fromisoformat(str(waktu))
    except ValueError:
        raise RecordInvalid(f"waktu must be an ISO date-time, not {waktu!r}")
    try:
        parts = TimerEventDefinition.parse_iso_duration(str(durasi))
    except Exception:
        raise RecordInvalid(f"durasi must be an ISO duration such as P30D, not {durasi!r}")
    moved: datetime = start + TimerEventDefinition.get_timedelta_from_start(parts, start)
    return moved.isoformat()
