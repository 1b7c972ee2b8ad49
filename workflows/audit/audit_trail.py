"""An instance's whole audit trail as an auditor reads it: every event, the looks at it, and its chains' state.

Auditors (Inspektorat, the administrator) read everything, the confidential answers included (marked as
such). Their own reading is recorded like every look at an appraisal: `record_viewed` on the instance's
access chain, in the view's transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.models import AuditEvent, Instance, SpecVersion

from ..appraisals.appraisal_access import CYCLE_PROCESS
from ..models.org import Employee, Unit
from .audit_search import subject_nip, unit_of_key

#: What an auditor looked at, as written in `record_viewed` data ("dilihat").
TRAIL, DOSSIER = "jejak_audit", "berkas"


@dataclass(frozen=True)
class TrailEvent:
    """One event of a trail: its chain (own or access), who, when, what, and its data."""

    id: int
    access: bool
    seq: int
    event_type: str
    actor: str
    actor_name: str | None
    occurred_at: datetime
    data: dict[str, Any]
    confidential: bool

    @property
    def changes(self) -> dict[str, Any]:
        """Return a completed task's {variable: {"before", "after"}}, empty for other events."""
        changes = self.data.get("changes")
        return changes if isinstance(changes, dict) else {}

    @property
    def details(self) -> dict[str, Any]:
        """Return the data other than the changes (shown as such)."""
        return {k: v for k, v in self.data.items() if k != "changes"}


@dataclass
class Case:
    """An instance as its trail page shows it."""

    instance: Instance
    spec: SpecVersion
    nip: str | None
    name: str | None
    unit: str | None
    events: list[TrailEvent]
    #: {chain name: its first breach, or None when intact}: the instance's chain and its access chain.
    chains: dict[str, audit.Breach | None]

    @property
    def is_appraisal(self) -> bool:
        """Return whether the instance is an employee's appraisal (it has an appraisal page)."""
        return self.instance.process_id == CYCLE_PROCESS

    @property
    def intact(self) -> bool:
        """Return whether both chains verified."""
        return all(breach is None for breach in self.chains.values())


def actor_names(session: Session, actors: set[str]) -> dict[str, str]:
    """Return {NIP: name} of the actors who are employees (staff accounts keep their user names)."""
    if not actors:
        return {}
    return dict(session.execute(select(Employee.nip, Employee.name).where(Employee.nip.in_(actors))).all())


def case_of(session: Session, instance_id: int) -> Case | None:
    """Return the instance with its whole trail (own and access chains, oldest first), or None when unknown."""
    head = session.execute(select(Instance, subject_nip().label("nip"), unit_of_key().label("unit_id"))
                           .where(Instance.id == instance_id)).first()
    if head is None:
        return None
    instance, nip, unit_id = head
    spec = session.get(SpecVersion, instance.spec_version_id)
    assert spec is not None
    name = session.execute(select(Employee.name).where(Employee.nip == nip)).scalar_one_or_none() if nip else None
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    rows = session.execute(select(AuditEvent).where(AuditEvent.chain.in_(
        [audit.chain_of(instance_id), audit.access_chain_of(instance_id)]))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)).scalars().all()
    names = actor_names(session, {row.actor for row in rows})
    events = []
    for row in rows:
        exported = audit.event_dict(row)
        events.append(TrailEvent(row.id, row.chain != audit.chain_of(instance_id), row.seq, row.event_type,
                                 row.actor, names.get(row.actor), row.occurred_at,
                                 exported["data"], audit.is_confidential(exported)))
    return Case(instance, spec, nip, name, unit.name if unit is not None else None, events,
                audit.verify_instance(session, instance_id))


def record_look(session: Session, username: str, role: str, instance_id: int, what: str) -> None:
    """Record that an auditor read an instance's trail or printed its dossier (on its access chain)."""
    audit.record(session, "record_viewed", username, instance_id=instance_id,
                 data={"dilihat": what, "peran": role}, chain=audit.access_chain_of(instance_id))


def readable(value: Any) -> str:
    """Return a value of event data as short text for reading (JSON for lists and objects)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
