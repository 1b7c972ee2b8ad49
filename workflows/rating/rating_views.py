"""The rating and its result as the rating and appeal pages show them, read from the domain records.

Nothing here names a multi-rater rater: the aggregate comes from `multi_rater.aggregate` (k-anonymous),
which is what the appraiser and the employee may see (UU 27/2022, DOMAIN.md §4).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..data_protection import multi_rater
from ..models.records import Appeal
from ..models.skp import BERAKHLAK, BehaviourExpectation, Skp
from ..objections.appeal_notice import latest_rating, latest_window
from ..planning.skp import skp_of_instance
from .rating_file import documented_plan, rating_file
from .ratings import predikat_history, rating_details


def peer_aggregate(session: Session, skp: Skp, min_raters: Any) -> dict[str, Any] | None:
    """Return the multi-rater aggregate of the SKP (never who answered), or None when nobody was asked."""
    if not multi_rater.responses(session, skp, (*multi_rater.POOLED, "self")):
        return None
    try:
        k = multi_rater.min_raters(min_raters)
    except Exception:  # an unset or bad setting falls back to the documented default
        k = multi_rater.DEFAULT_MIN_RATERS
    return multi_rater.aggregate(session, skp, k)


def expectations(session: Session, skp: Skp) -> dict[str, str]:
    """Return the leader's specific expectation per BerAKHLAK value ({value: text}, only those set)."""
    rows = session.execute(select(BehaviourExpectation).where(BehaviourExpectation.skp_id == skp.id)).scalars()
    return {row.value_code: row.expectation for row in rows}


def rating_material(session: Session, instance_id: int, shown_file: dict[str, Any] | None,
                    min_raters: Any = None) -> dict[str, Any]:
    """Return what the appraiser judges: the year's file, the peer aggregate and the expectations per value.

    The file the process prepared (`berkas_penilaian`) is shown as it was given; without one (a stage run
    on its own) it is read from the records now.
    """
    skp = skp_of_instance(session, instance_id)
    berkas = shown_file or (rating_file(session, skp) if skp is not None else None)
    return {
        "berkas": berkas or {},
        "rhk": (berkas or {}).get("rhk", []),
        "aggregate": peer_aggregate(session, skp, min_raters) if skp is not None else None,
        "expectations": expectations(session, skp) if skp is not None else {},
        "values": BERAKHLAK,
    }


def rating_result(session: Session, skp: Skp) -> dict[str, Any] | None:
    """Return the annual rating as the employee reads it: overall, per RHK (with notes), per value, predikat."""
    rating = latest_rating(session, skp)
    if rating is None:
        return None
    details = rating_details(session, rating)
    per_rhk = {d.rhk_id: d for d in details if d.rhk_id is not None}
    rhk = [{"id": item["id"], "uraian": item["uraian"], "rating": getattr(per_rhk.get(item["id"]), "rating", None),
            "catatan": getattr(per_rhk.get(item["id"]), "note", None)} for item in documented_plan(session, skp)]
    history = predikat_history(session, skp)
    return {
        "hasil_kerja": rating.hasil_kerja, "perilaku": rating.perilaku, "predikat_usulan": rating.predikat_usulan,
        "rhk": rhk, "per_value": {d.value_code: d.rating for d in details if d.value_code is not None},
        "predikat": history[-1].predikat if history else None,
        "history": [{"predikat": h.predikat, "source": h.source, "reason": h.reason, "at": h.changed_at}
                    for h in history],
    }


def appeal_view(session: Session, instance_id: int) -> dict[str, Any]:
    """Return the result an appeal concerns, the objection window and the appeal itself (if filed)."""
    skp = skp_of_instance(session, instance_id)
    if skp is None:
        return {"result": None, "window": None, "appeal": None}
    appeal = session.execute(select(Appeal).where(Appeal.skp_id == skp.id).order_by(Appeal.id.desc())
                             .limit(1)).scalar_one_or_none()
    return {"result": rating_result(session, skp), "window": latest_window(session, skp), "appeal": appeal,
            "year": skp.year}
