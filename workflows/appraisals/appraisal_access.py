"""Who may look at an appraisal (one employee's `siklus_kinerja` instance of a year), and as what.

The employee; their Pejabat Penilai and the Atasan Pejabat Penilai (whoever holds or acts in those
positions today, a Plt/Plh included); the Pengelola Kinerja of the employee's OPD (or of the whole city
when the account is not scoped); Inspektorat (the auditor); the administrator. Anyone else gets None,
which the pages show as "not found" so a guessed id reveals nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.models import Instance

from ..models.org import ActingAssignment, PositionAssignment, Unit
from ..models.skp import Skp
from ..organisation import org

#: The process whose instances are appraisals.
CYCLE_PROCESS = "siklus_kinerja"
#: Roles, most personal first: a user who is several things sees the appraisal as the first.
PEGAWAI = "pegawai"
PEJABAT_PENILAI = "pejabat_penilai"
ATASAN_PENILAI = "atasan_pejabat_penilai"
PENGELOLA = "pengelola_kinerja"
INSPEKTORAT = "inspektorat"
ADMIN = "admin"
ROLES = (PEGAWAI, PEJABAT_PENILAI, ATASAN_PENILAI, PENGELOLA, INSPEKTORAT, ADMIN)
#: Roles that see every appraisal in their scope (and search them), not only their own people's.
OVERSIGHT = (PENGELOLA, INSPEKTORAT, ADMIN)


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the account's username (the actor), employee, roles and OPD scope."""

    username: str
    employee_id: int | None = None
    roles: tuple[str, ...] = field(default_factory=tuple)
    scope_unit_code: str | None = None


def skps_of(session: Session, instance_id: int) -> list[Skp]:
    """Return the SKPs of an appraisal instance, oldest first (empty for any other instance)."""
    instance = session.get(Instance, instance_id)
    if instance is None or instance.process_id != CYCLE_PROCESS:
        return []
    return list(session.execute(select(Skp).where(Skp.instance_id == instance_id).order_by(Skp.id)).scalars())


def positions_held(session: Session, employee_id: int | None, on: date) -> set[int]:
    """Return the positions an employee holds or acts in (Plt/Plh) on a day."""
    if employee_id is None:
        return set()
    held = session.execute(select(PositionAssignment.position_id).where(
        PositionAssignment.employee_id == employee_id, PositionAssignment.started_on <= on,
        or_(PositionAssignment.ended_on.is_(None), PositionAssignment.ended_on >= on))).scalars()
    acting = session.execute(select(ActingAssignment.position_id).where(
        ActingAssignment.employee_id == employee_id, ActingAssignment.starts_on <= on,
        ActingAssignment.ends_on >= on)).scalars()
    return set(held) | set(acting)


def role_for(session: Session, viewer: Viewer, instance_id: int) -> str | None:
    """Return the role in which viewer may see the appraisal instance, or None when they may not."""
    skps = skps_of(session, instance_id)
    if not skps:
        return None
    if viewer.employee_id is not None:
        if any(s.employee_id == viewer.employee_id for s in skps):
            return PEGAWAI
        held = positions_held(session, viewer.employee_id, org.today())
        if any(s.appraiser_position_id in held for s in skps):
            return PEJABAT_PENILAI
        if any(s.appraiser_superior_position_id in held for s in skps):
            return ATASAN_PENILAI
    if PENGELOLA in viewer.roles and in_scope(session, viewer, skps[-1]):
        return PENGELOLA
    if INSPEKTORAT in viewer.roles:
        return INSPEKTORAT
    if ADMIN in viewer.roles:
        return ADMIN
    return None


def in_scope(session: Session, viewer: Viewer, skp: Skp) -> bool:
    """Return whether the SKP's unit lies in the viewer's OPD scope (always, for an unscoped account)."""
    if viewer.scope_unit_code is None:
        return True
    unit = session.get(Unit, skp.unit_id)
    return unit is not None and org.opd_of(unit).code == viewer.scope_unit_code

