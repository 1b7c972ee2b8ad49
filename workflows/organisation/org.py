"""The organisation chart at work: appraiser chain, who holds a post on a day, eligibility, transfers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.errors import InvalidInput, NotFound

from ..models.org import ACTING_KINDS, STRUCTURAL_KINDS, ActingAssignment, Employee, Position, PositionAssignment, Unit

#: Statuses with no appraisal cycle (DOMAIN.md §2.3), plus those who left the service.
NO_CYCLE_STATUSES = ("cltn", "diberhentikan_sementara", "tugas_belajar", "mpp", "pensiun", "berhenti")
JPT_APPRAISERS = ("wali_kota", "sekda")


@dataclass(frozen=True)
class OrgSettings:
    """Organisation rules a city may set differently."""

    #: Who appraises the JPT Pratama (and rates an OPD as the leader above it): the Wali Kota,
    #: or the Sekda acting for him (DOMAIN.md §2.6 [U]). Set with `KINERJA_JPT_APPRAISER`.
    jpt_appraiser: str = "wali_kota"

    def __post_init__(self) -> None:
        if self.jpt_appraiser not in JPT_APPRAISERS:
            raise InvalidInput(f"JPT_APPRAISER must be one of {', '.join(JPT_APPRAISERS)}, "
                               f"not {self.jpt_appraiser!r}")

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None = None) -> OrgSettings:
        """Read the settings from a config mapping (`JPT_APPRAISER`), else `KINERJA_*` variables."""
        config = config or {}
        value = config.get("JPT_APPRAISER") or os.environ.get("KINERJA_JPT_APPRAISER") or cls.jpt_appraiser
        return cls(jpt_appraiser=str(value))


DEFAULT_SETTINGS = OrgSettings()


def today() -> date:
    """Return today's date in Samarinda according to the engine clock."""
    return clock.now().astimezone(clock.local_tz).date()


# Built once: lane resolution and the script functions look records up by code at almost every step.
_UNIT_BY_CODE = select(Unit).where(Unit.code == bindparam("code"))
_POSITION_BY_CODE = select(Position).where(Position.code == bindparam("code"))
_EMPLOYEE_BY_NIP = select(Employee).where(Employee.nip == bindparam("nip"))


def unit_by_code(session: Session, code: str) -> Unit:
    """Return the unit with this code or raise NotFound."""
    unit = session.execute(_UNIT_BY_CODE, {"code": code}).scalar_one_or_none()
    if unit is None:
        raise NotFound(f"no unit with code {code!r}")
    return unit


def position_by_code(session: Session, code: str) -> Position:
    """Return the position with this code or raise NotFound."""
    position = session.execute(_POSITION_BY_CODE, {"code": code}).scalar_one_or_none()
    if position is None:
        raise NotFound(f"no position with code {code!r}")
    return position


def employee_by_nip(session: Session, nip: str) -> Employee:
    """Return the employee with this NIP / NI PPPK or raise NotFound."""
    employee = session.execute(_EMPLOYEE_BY_NIP, {"nip": nip}).scalar_one_or_none()
    if employee is None:
        raise NotFound(f"no employee with NIP {nip!r}")
    return employee


def opd_of(unit: Unit) -> Unit:
    """Return the OPD a unit belongs to: its ancestor just below the city government (or itself)."""
    seen = {unit.id}
    while unit.parent is not None and unit.parent.kind != "pemkot":
        unit = unit.parent
        if unit.id in seen:  # a cycle in bad data must not hang the caller
            break
        seen.add(unit.id)
    return unit


def _position_of_kind(session: Session, kind: str) -> Position | None:
    return session.execute(select(Position).where(Position.kind == kind).order_by(Position.id).limit(1)
                           ).scalar_one_or_none()


def pejabat_penilai_position(session: Session, position: Position,
                             settings: OrgSettings = DEFAULT_SETTINGS) -> Position | None:
    """Return the appraiser's position: the nearest structural superior (DOMAIN.md §2.6)."""
    if position.kind == "wali_kota":
        return None  # an elected official, outside the ASN appraisal
    if position.kind == "jpt_pratama":
        return _position_of_kind(session, settings.jpt_appraiser) or _position_of_kind(session, "wali_kota")
    if position.kind == "sekda":
        return position.reports_to or _position_of_kind(session, "wali_kota")
    # The appraiser is at least a Pengawas: skip a pelaksana or fungsional "coordinator" above.
    superior, seen = position.reports_to, {position.id}
    while superior is not None and superior.kind not in STRUCTURAL_KINDS and superior.id not in seen:
        seen.add(superior.id)
        superior = superior.reports_to
    return superior if superior is not None and superior.kind in STRUCTURAL_KINDS else None


def atasan_pejabat_penilai_position(session: Session, position: Position,
                                    settings: OrgSettings = DEFAULT_SETTINGS) -> Position | None:
    """Return the position of the appraiser's own appraiser (who decides a keberatan)."""
    penilai = pejabat_penilai_position(session, position, settings)
    return pejabat_penilai_position(session, penilai, settings) if penilai is not None else None


def leader_above(session: Session, unit: Unit, settings: OrgSettings = DEFAULT_SETTINGS) -> Position | None:
    """Return the position that rates a unit: the head of the unit above it (DOMAIN.md §2.6)."""
    parent = unit.parent
    if parent is None:
        return None
    if parent.kind == "pemkot" and settings.jpt_appraiser == "sekda":
        return _position_of_kind(session, "sekda") or parent.head_position
    return parent.head_position


def acting_in(session: Session, position: Position, on: date) -> ActingAssignment | None:
    """Return the Plt/Plh appointment valid in a position on a day (the latest one), or None."""
    return session.execute(
        select(ActingAssignment).where(
            ActingAssignment.position_id == position.id,
            ActingAssignment.starts_on <= on, ActingAssignment.ends_on >= on)
        .order_by(ActingAssignment.starts_on.desc(), ActingAssignment.id.desc()).limit(1)
    ).scalar_one_or_none()


def holder_of(session: Session, position: Position, on: date) -> Employee | None:
    """Return who acts in a position on a day: a valid Plt/Plh first, else the definitive holder.

    A holder who is not aktif (on leave, suspended, on study assignment, in pre-retirement, gone)
    does not act: the post counts as vacant until a Plt/Plh is appointed. The status is today's,
    so for a past day this may differ from what was true then.
    """
    acting = acting_in(session, position, on)
    if acting is not None:
        return acting.employee
    held = session.execute(
        select(PositionAssignment).join(PositionAssignment.employee).where(
            PositionAssignment.position_id == position.id, PositionAssignment.started_on <= on,
            Employee.status == "aktif",
            or_(PositionAssignment.ended_on.is_(None), PositionAssignment.ended_on >= on))
        .order_by(PositionAssignment.started_on.desc(), PositionAssignment.id.desc()).limit(1)
    ).scalar_one_or_none()
    return held.employee if held is not None else None


def eligible(employee: Employee) -> bool:
    """Return whether the employee gets an appraisal cycle (DOMAIN.md §2.3)."""
    return employee.status not in NO_CYCLE_STATUSES


def appoint_acting(session: Session, position: Position, employee: Employee, kind: str, starts_on: date,
                   ends_on: date, reason: str) -> ActingAssignment:
    """Record a Plt/Plh appointment valid from starts_on to ends_on inclusive."""
    if kind not in ACTING_KINDS:
        raise InvalidInput(f"acting kind must be plt or plh, not {kind!r}")
    if ends_on < starts_on:
        raise InvalidInput(f"an acting appointment cannot end ({ends_on}) before it starts ({starts_on})")
    if not reason.strip():
        raise InvalidInput("an acting appointment needs a reason (the decree or the cause)")
    acting = ActingAssignment(position=position, employee=employee, kind=kind, starts_on=starts_on,
                              ends_on=ends_on, reason=reason.strip())
    session.add(acting)
    session.flush()
    return acting


@dataclass
class Transfer:
    """What a transfer changed: the assignment closed (if any) and the one opened."""

    employee: Employee
    previous_position: Position | None
    closed: PositionAssignment | None
    opened: PositionAssignment


def current_assignment(session: Session, employee: Employee) -> PositionAssignment | None:
    """Return the employee's open position assignment."""
    return session.execute(select(PositionAssignment).where(
        PositionAssignment.employee_id == employee.id, PositionAssignment.ended_on.is_(None))
        .order_by(PositionAssignment.started_on.desc()).limit(1)).scalar_one_or_none()


def transfer(session: Session, employee: Employee, new_position: Position, on: date) -> Transfer:
    """Move an employee to a position from `on`: close the current assignment the day before, open one."""
    current = current_assignment(session, employee) if employee.id is not None else None
    if current is not None and current.position_id == new_position.id:
        raise InvalidInput(f"{employee.nip} already holds position {new_position.code}")
    if current is not None and on <= current.started_on:
        raise InvalidInput(f"transfer date {on} must be after the start of the current position "
                           f"({current.started_on})")
    previous = employee.position
    if current is not None:
        current.ended_on = on - timedelta(days=1)
    opened = PositionAssignment(employee=employee, position=new_position, started_on=on)
    session.add(opened)
    employee.position = new_position
    employee.updated_at = clock.now()
    session.flush()
    return Transfer(employee, previous, current, opened)
