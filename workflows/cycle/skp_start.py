"""Where the year's SKP starts when not on 1 January: after a mid-year transfer, or for a new hire."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import Instance

from ..appraisals.records import year
from ..models.org import Employee, PositionAssignment
from ..models.skp import Skp
from ..organisation import org


def transfer_period_start(session: Session, employee: Employee, tahun: int) -> date | None:
    """Return where a second SKP of the year starts after a mid-year transfer, or None.

    When the year's SKP from 1 January is closed (ditutup), or its cycle was terminated by a transfer while
    the SKP awaits its partial rating (`transfers.restart_after_transfer`), and the employee's current
    position started later that year, the new SKP starts with that position.
    """
    tahun = year(tahun)
    first = session.execute(select(Skp).where(Skp.employee_id == employee.id, Skp.year == tahun,
                                              Skp.period_start == date(tahun, 1, 1))).scalar_one_or_none()
    if first is None or (first.status != "ditutup" and not _cycle_terminated(session, first)):
        return None
    current = org.current_assignment(session, employee)
    if current is not None and date(tahun, 1, 1) < current.started_on <= date(tahun, 12, 31):
        return current.started_on
    return None


def first_day_in_service(session: Session, employee: Employee, tahun: int) -> date | None:
    """Return the first day of a new hire who entered service after 1 January of the year, else None.

    Their SKP (and its first monitoring period) starts that day, not on 1 January (DOMAIN.md 2.3).
    """
    first = session.execute(select(func.min(PositionAssignment.started_on)).where(
        PositionAssignment.employee_id == employee.id)).scalar()
    return hired_during(first, tahun)


def hired_during(first_day: date | None, tahun: int) -> date | None:
    """Return first_day when it falls in the year after 1 January (a new hire's late SKP), else None."""
    if first_day is not None and date(year(tahun), 1, 1) < first_day <= date(year(tahun), 12, 31):
        return first_day
    return None


def late_start(session: Session, employee: Employee, tahun: int) -> date | None:
    """Return where the year's SKP starts when not on 1 January: after a transfer, or for a new hire."""
    return transfer_period_start(session, employee, tahun) or first_day_in_service(session, employee, tahun)


def _cycle_terminated(session: Session, found: Skp) -> bool:
    """Tell whether the SKP's own cycle instance was terminated (as a transfer does)."""
    if found.instance_id is None:
        return False
    # A column query, not session.get: the engine writes instance rows with Core, past the identity map.
    status = session.execute(select(Instance.status).where(Instance.id == found.instance_id)).scalar_one_or_none()
    return status == "terminated"
