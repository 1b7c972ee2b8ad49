"""Lists of appraisals: my own, those of the people I appraise or stand above, and a search for overseers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.models import Instance

from ..models.org import Employee, Unit
from ..models.skp import Skp
from ..organisation import org
from .appraisal_access import ATASAN_PENILAI, PEGAWAI, PEJABAT_PENILAI, Viewer, positions_held


@dataclass(frozen=True)
class AppraisalRow:
    """One appraisal in a list: whose, which year, where, how far, and the viewer's relation to it."""

    instance_id: int
    year: int
    nip: str
    name: str
    unit: str
    skp_status: str
    status: str
    relation: str | None = None


@dataclass(frozen=True)
class Found:
    """A page of a search and how many appraisals match in all."""

    rows: list[AppraisalRow]
    total: int


def _latest_skps() -> Any:
    """Return a subquery of the latest SKP id of every appraisal instance."""
    return (select(func.max(Skp.id).label("skp_id")).where(Skp.instance_id.is_not(None))
            .group_by(Skp.instance_id).subquery())


def _query(*where: Any) -> Any:
    latest = _latest_skps()
    return (select(Skp, Employee.nip, Employee.name, Unit.name, Instance.status)
            .join(latest, latest.c.skp_id == Skp.id)
            .join(Employee, Employee.id == Skp.employee_id).join(Unit, Unit.id == Skp.unit_id)
            .join(Instance, Instance.id == Skp.instance_id).where(*where))


def _rows(session: Session, query: Any, relation: Any = None) -> list[AppraisalRow]:
    rows = []
    for skp, nip, name, unit, status in session.execute(query).all():
        rows.append(AppraisalRow(skp.instance_id, skp.year, nip, name, unit, skp.status, status,
                                 relation(skp) if callable(relation) else relation))
    return rows


def own(session: Session, employee_id: int) -> list[AppraisalRow]:
    """Return the employee's own appraisals, newest year first."""
    return _rows(session, _query(Skp.employee_id == employee_id).order_by(Skp.year.desc()), PEGAWAI)


def appraised_by(session: Session, employee_id: int, year: int | None = None) -> list[AppraisalRow]:
    """Return the appraisals of the people whose appraiser (or appraiser's superior) the employee is today."""
    held = positions_held(session, employee_id, org.today())
    if not held:
        return []
    where = [or_(Skp.appraiser_position_id.in_(held), Skp.appraiser_superior_position_id.in_(held)),
             Skp.employee_id != employee_id]
    if year is not None:
        where.append(Skp.year == year)
    query = _query(*where).order_by(Skp.year.desc(), Employee.name)
    return _rows(session, query, lambda skp: PEJABAT_PENILAI if skp.appraiser_position_id in held
                 else ATASAN_PENILAI)


def search(session: Session, viewer: Viewer, *, year: int | None = None, text: str | None = None,
           unit_code: str | None = None, limit: int = 25, offset: int = 0) -> Found:
    """Return the appraisals in an overseer's scope matching a NIP or name, year and OPD, by name."""
    where: list[Any] = []
    if year is not None:
        where.append(Skp.year == year)
    if text:
        like = f"%{text.strip().lower()}%"
        where.append(or_(Employee.nip.like(like), func.lower(Employee.name).like(like)))
    opd = viewer.scope_unit_code or unit_code
    if viewer.scope_unit_code and unit_code and unit_code != viewer.scope_unit_code:
        return Found([], 0)
    if opd:
        units = _units_below(session, opd)
        if not units:
            return Found([], 0)
        where.append(Skp.unit_id.in_(units))
    query = _query(*where)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = _rows(session, query.order_by(Skp.year.desc(), Employee.name, Skp.id).limit(limit).offset(offset))
    return Found(rows, int(total))


def opds(session: Session) -> list[Unit]:
    """Return the OPDs (the units just below the city government), by name: the search's unit choices."""
    return [unit for unit in session.execute(select(Unit).order_by(Unit.name)).scalars()
            if unit.kind != "pemkot" and org.opd_of(unit).id == unit.id]


def _units_below(session: Session, opd_code: str) -> list[int]:
    """Return the ids of the units of an OPD (the OPD and every unit under it)."""
    units = list(session.execute(select(Unit)).scalars())
    return [unit.id for unit in units if unit.kind != "pemkot" and org.opd_of(unit).code == opd_code]
