"""What an employee may read of their own audit trail: every event, without who answered what as a rater.

The full trail stays for auditors (`kinerja audit export`). The employee's view leaves out the restricted
payloads (`engine.audit.CONFIDENTIAL_EVENT`: a confidential task's answers) and replaces every rater's
NIP with a neutral word, so no rater identity sits next to a score or a comment (UU 27/2022; UU 14/2008
Ps 17(h): an appraisal is exempt information, and so is who gave it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.models import AuditEvent, HumanTask
from engine.runtime.human_tasks.tasks import is_confidential

from ..appraisals.records import year
from ..models.skp import RaterResponse, Skp
from ..organisation import org
from .multi_rater import POOLED

#: What a rater's NIP becomes in the employee's view.
RATER = "rekan (dirahasiakan)"
#: Global-chain events that concern one employee, found by their NIP (a download of their data and a
#: look at who viewed their records included: `personal_data`, `record_views`).
PERSONAL_EVENTS = ("consent_given", "consent_revoked", "personal_data_exported", "record_views_listed")


def trail_for_employee(session: Session, nip: str, tahun: int) -> list[dict[str, Any]]:
    """Return the employee's audit trail of a year as they may see it, oldest first.

    Each event is the export form (`engine.audit.event_dict`) without the hash fields (a redacted event
    no longer matches its hash) and with `disamarkan` true where a rater identity was replaced.
    """
    employee = org.employee_by_nip(session, nip)
    skps = list(session.execute(select(Skp).where(Skp.employee_id == employee.id, Skp.year == year(tahun))
                                .order_by(Skp.id)).scalars())
    instance_ids = sorted({s.instance_id for s in skps if s.instance_id is not None})
    raters = _rater_nips(session, skps, instance_ids) - {employee.nip}
    events: list[AuditEvent] = []
    for instance_id in instance_ids:
        events += audit.events_of(session, instance_id)
    events += _personal_events(session, employee.nip)
    shown = []
    for exported in sorted((audit.event_dict(e) for e in events), key=lambda e: (e["occurred_at"], e["id"])):
        if audit.is_confidential(exported):
            continue
        redacted = _redact({"actor": exported["actor"], "data": exported["data"]}, raters)
        shown.append({**{k: v for k, v in exported.items() if k not in ("prev_hash", "hash")}, **redacted,
                      "disamarkan": redacted != {"actor": exported["actor"], "data": exported["data"]}})
    return shown


def _rater_nips(session: Session, skps: list[Skp], instance_ids: list[int]) -> set[str]:
    """Return everyone who rated or was asked to: the answers on record and the confidential tasks' people."""
    nips = set()
    if skps:
        nips |= set(session.execute(select(RaterResponse.rater_nip).where(
            RaterResponse.skp_id.in_([s.id for s in skps]), RaterResponse.relation.in_(POOLED))).scalars())
    if instance_ids:
        for task in session.execute(select(HumanTask).where(HumanTask.instance_id.in_(instance_ids))).scalars():
            if is_confidential(task):
                nips |= {person for person in (task.assignee, task.claimed_by, task.completed_by) if person}
    return nips


def _personal_events(session: Session, nip: str) -> list[AuditEvent]:
    rows = session.execute(select(AuditEvent).where(
        AuditEvent.chain == audit.GLOBAL_CHAIN, AuditEvent.event_type.in_(PERSONAL_EVENTS),
        AuditEvent.data.contains(f'"nip":"{nip}"'))).scalars()
    return list(rows)


def _redact(value: Any, raters: set[str]) -> Any:
    """Return value with every rater NIP (as a whole text, or inside one) replaced by RATER."""
    if isinstance(value, str):
        for nip in raters:
            if nip in value:
                value = value.replace(nip, RATER)
        return value
    if isinstance(value, dict):
        return {_redact(k, raters): _redact(v, raters) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(item, raters) for item in value]
    return value
