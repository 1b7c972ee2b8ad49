"""An appraisal as its page shows it: the records of its SKP and its timeline, as the viewer's role allows.

The timeline follows the privacy rules (workflows.data_protection.privacy): the employee and the appraiser see the
employee's view (no confidential answers, every rater's identity replaced); the other roles see the
instance's trail, with a confidential task's answers for Inspektorat only. Every view by anyone but the
employee is itself recorded (`record_viewed`, on the instance's access chain so that reading never
conflicts with a change), in the view's transaction; the employee and Inspektorat see those looks in the
timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit

from ..data_protection import privacy
from ..models.org import Employee, Position, Unit
from ..models.records import Appeal, AppealWindow, Publication, Rating, Signature
from ..models.skp import Feedback, Skp
from ..planning import skp_views
from ..rating import ratings
from ..rating.rating_file import documented_plan
from .appraisal_access import INSPEKTORAT, PEGAWAI, PEJABAT_PENILAI, Viewer, skps_of


@dataclass(frozen=True)
class TimelineEvent:
    """One event of the timeline: what, who (a name, or hidden), when, and its data."""

    event_type: str
    actor: str
    actor_name: str | None
    hidden: bool
    occurred_at: datetime
    data: dict[str, Any]


def record_view(session: Session, viewer: Viewer, instance_id: int, role: str, what: str,
                process_id: str | None = None) -> None:
    """Audit a look at the appraisal's page ("halaman") or a process's diagram, unless by its employee."""
    if role == PEGAWAI:
        return
    data = {"dilihat": what, "peran": role}
    if process_id is not None:
        data["proses"] = process_id
    audit.record(session, "record_viewed", viewer.username, instance_id=instance_id, data=data,
                 chain=audit.access_chain_of(instance_id))


def timeline(session: Session, instance_id: int, role: str) -> list[TimelineEvent]:
    """Return the appraisal's events, oldest first, as the role may see them."""
    skps = skps_of(session, instance_id)
    if not skps:
        return []
    if role in (PEGAWAI, PEJABAT_PENILAI):
        employee = session.get(Employee, skps[-1].employee_id)
        assert employee is not None
        events = [e for e in privacy.trail_for_employee(session, employee.nip, skps[-1].year)
                  if e["instance_id"] == instance_id or (role == PEGAWAI and e["instance_id"] is None)]
        if role == PEGAWAI:  # the employee may know who looked at their records, and when
            events += [audit.event_dict(e) for e in audit.access_events_of(session, instance_id)]
            events.sort(key=lambda e: e["occurred_at"])
    else:
        rows = audit.events_of(session, instance_id)
        if role == INSPEKTORAT:  # the auditor also sees who looked at the records, and when
            rows = sorted([*rows, *audit.access_events_of(session, instance_id)], key=lambda e: (e.occurred_at, e.id))
        events = [audit.event_dict(e) for e in rows]
        events = [e for e in events if role == INSPEKTORAT or not audit.is_confidential(e)]
    names = _names(session, {e["actor"] for e in events})
    return [TimelineEvent(e["event_type"], e["actor"], names.get(e["actor"]),
                          e["actor"] == privacy.RATER, datetime.fromisoformat(e["occurred_at"]), e["data"])
            for e in events]


def _names(session: Session, usernames: set[str]) -> dict[str, str]:
    """Return {NIP: employee name} of the actors who are employees."""
    if not usernames:
        return {}
    return dict(session.execute(select(Employee.nip, Employee.name).where(Employee.nip.in_(usernames))).all())


def _position(session: Session, position_id: int | None) -> str | None:
    position = session.get(Position, position_id) if position_id is not None else None
    return position.name if position is not None else None


def records(session: Session, instance_id: int) -> dict[str, Any] | None:
    """Return the records of the appraisal's current SKP, each section empty when not there yet."""
    skps = skps_of(session, instance_id)
    if not skps:
        return None
    skp = skps[-1]
    employee, unit = session.get(Employee, skp.employee_id), session.get(Unit, skp.unit_id)
    assert employee is not None and unit is not None
    all_ratings = list(session.execute(select(Rating).where(Rating.skp_id == skp.id).order_by(Rating.id)).scalars())
    annual = [r for r in all_ratings if r.period == "akhir"]
    realisations = documented_plan(session, skp)
    return {
        "skp": skp, "employee": employee, "unit": unit, "earlier_skps": len(skps) - 1,
        "position": _position(session, skp.position_id),
        "appraiser": _position(session, skp.appraiser_position_id),
        "appraiser_superior": _position(session, skp.appraiser_superior_position_id),
        "plan": skp_views.plan_of(session, skp),
        "realisations": realisations,
        "has_realisations": any(iki["realisasi"] for rhk in realisations for iki in rhk["iki"]),
        "periodic": [r for r in all_ratings if r.period != "akhir"],
        "annual": annual[-1] if annual else None,
        "annual_details": ratings.rating_details(session, annual[-1]) if annual else [],
        "feedback": list(session.execute(select(Feedback).where(Feedback.skp_id == skp.id)
                                         .order_by(Feedback.id)).scalars()),
        "predikat": ratings.predikat_history(session, skp),
        "appeal_windows": list(session.execute(select(AppealWindow).where(AppealWindow.skp_id == skp.id)
                                               .order_by(AppealWindow.id)).scalars()),
        "appeals": list(session.execute(select(Appeal).where(Appeal.skp_id == skp.id)
                                        .order_by(Appeal.id)).scalars()),
        "signatures": _signatures(session, skp),
        "publication": _publication(session, skp, unit),
    }


def _signatures(session: Session, skp: Skp) -> list[dict[str, Any]]:
    rows = list(session.execute(select(Signature).where(Signature.skp_id == skp.id)
                                .order_by(Signature.id)).scalars())
    names = _names(session, {r.signer for r in rows})
    return [{"document": r.document, "role": r.role, "signer": names.get(r.signer, r.signer),
             "signed_at": r.signed_at, "content_sha256": r.content_sha256} for r in rows]


def _publication(session: Session, skp: Skp, unit: Unit) -> Publication | None:
    """Return the latest publication of the year by the employee's unit or a unit above it."""
    ids, current, seen = [], unit, set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        ids.append(current.id)
        current = current.parent
    return session.execute(select(Publication).where(Publication.unit_id.in_(ids), Publication.year == skp.year)
                           .order_by(Publication.id.desc()).limit(1)).scalar_one_or_none()
