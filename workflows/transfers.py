"""Finding the employees whose running cycle no longer matches their position, and moving their cycles.

An organisation import (or any `org.transfer`) changes an employee's position; the running cycle keeps
the position it started with (its SKP's snapshot). `moved_employees` finds them with one query, and
`follow` restarts each cycle for the new position (`cycles.restart_after_transfer`): the new SKP is due
`batas_skp_pindah` after the transfer date, and an agreed old SKP is first rated for the months before
the transfer by its appraiser (`partial_period`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import KinerjaError
from engine.models import Instance
from engine.runtime.execution import ENDED

from . import partial_period
from .cycles import CycleSettings, restart_after_transfer
from .models.org import Employee
from .models.skp import Skp


def moved_employees(session: Session, year: int) -> list[Employee]:
    """Return the employees with an unended cycle of the year (running, waiting, suspended or in error)
    whose SKP was opened for another position."""
    return list(session.execute(
        select(Employee).join(Skp, Skp.employee_id == Employee.id).join(Instance, Instance.id == Skp.instance_id)
        .where(Skp.year == year, Skp.status != "ditutup", Instance.process_id == "siklus_kinerja",
               Instance.status.not_in(ENDED), Employee.position_id.is_not(None),
               Skp.position_id != Employee.position_id)
        .order_by(Employee.nip).distinct()).scalars())


@dataclass
class FollowResult:
    """The cycles restarted (NIP → new business key), the partial-period ratings now awaiting the old
    appraiser (NIP → their business keys) and the employees that could not be moved."""

    restarted: dict[str, str] = field(default_factory=dict)
    partial: dict[str, list[str]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)


def follow(session: Session, employees: list[Employee], year: int, actor: str, *,
           settings: CycleSettings | None = None, commit: Callable[[], None] | None = None) -> FollowResult:
    """Restart the cycle of each employee for their current position, one transaction each."""
    result = FollowResult()
    for employee in employees:
        try:
            started = restart_after_transfer(session, employee, year, actor, settings)
        except KinerjaError as exc:
            session.rollback()
            result.problems.append((employee.nip, exc.message))
            continue
        if commit is not None:
            commit()
        result.restarted[employee.nip] = started.business_key
        pending = partial_period.pending_keys(session, employee.id, year)
        if pending:
            result.partial[employee.nip] = pending
    return result
