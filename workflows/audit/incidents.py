"""Instances in error for the process owners: what failed, where, since when, and whose appraisal it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Instance, SpecVersion

from ..cycle import cycles
from ..models.org import Employee

_CYCLE = cycles.cycle_key(0, "").split(":")[0]


@dataclass(frozen=True)
class Incident:
    """One instance in error."""

    instance_id: int
    process_id: str
    process_name: str | None
    version: int
    business_key: str
    message: str
    element: str | None
    line: int | None
    since: datetime
    employee_name: str | None = None
    employee_nip: str | None = None


def nip_of(business_key: str) -> str | None:
    """Return the NIP in an employee's cycle key (`skp:<year>:<nip>[:n]`), None for other keys."""
    parts = business_key.split(":")
    return parts[2] if len(parts) >= 3 and parts[0] == _CYCLE else None


def incidents(session: Session, limit: int = 200) -> list[Incident]:
    """Return the instances in error, the longest-standing first (two statements)."""
    rows = session.execute(
        select(Instance.id, Instance.process_id, Instance.business_key, Instance.error, Instance.updated_at,
               SpecVersion.version, SpecVersion.name)
        .join(SpecVersion, SpecVersion.id == Instance.spec_version_id)
        .where(Instance.status == "error").order_by(Instance.updated_at, Instance.id).limit(limit)).all()
    nips = {nip for row in rows if (nip := nip_of(row.business_key))}
    names = {nip: name for nip, name in session.execute(
        select(Employee.nip, Employee.name).where(Employee.nip.in_(nips)))} if nips else {}
    found = []
    for row in rows:
        error: dict[str, Any] = row.error or {}
        nip = nip_of(row.business_key)
        found.append(Incident(
            row.id, row.process_id, row.name, row.version, row.business_key, str(error.get("message") or ""),
            error.get("task") or error.get("bpmn_id"), error.get("line"), row.updated_at,
            names.get(nip) if nip else None, nip if nip in names else None))
    return found
