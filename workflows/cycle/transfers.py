"""Finding the employees whose running cycle no longer matches their position, and moving their cycles.

An organisation import (or any `org.transfer`) changes an employee's position; the running cycle keeps
the position it started with (its SKP's snapshot). `moved_employees` finds them with one query, and
`follow` restarts each cycle for the new position (`restart_after_transfer`): the new SKP is due
`batas_skp_pindah` after the transfer date, and an agreed old SKP is first rated for the months before
the transfer by its appraiser (`partial_period`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import specs
from engine.errors import InvalidInput, KinerjaError
from engine.models import Instance
from engine.runtime.lifecycle import instances
from engine.runtime.running.execution import ENDED

from ..calibration import calibration_units
from ..models.org import Employee, Unit
from ..models.skp import Skp
from ..organisation import org
from ..planning import skp as skp_records
from . import partial_period
from .cycles import CycleSettings, cycle_key, plan_one


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


def restart_after_transfer(session: Session, employee: Employee, year: int, actor: str,
                           settings: CycleSettings | None = None) -> Instance:
    """After `org.transfer`, end the employee's running cycle of the year and start one for the new position.

    The running `siklus_kinerja` instance is terminated with a reason and its SKP closed (ditutup), both
    kept with their records (ratings, realisations, audit); an agreed SKP is first rated by the old
    appraiser for the months before the transfer (`partial_period`) and closes then. The new cycle gets
    the business key `skp:<year>:<nip>:<n>` (n = 2, 3, ... by the number of earlier cycles of the year);
    its SKP starts on the first day of the new position (`skp_start.transfer_period_start`) and is due counted
    from that day (`tanggal_mutasi`, setting `batas_skp_pindah`). The year's calibrations (of the
    calibration units) are told by `penilaian_selesai` messages with `perubahan`: the old unit's stops
    waiting for the employee (keluar), the new unit's waits for them too (masuk).
    """
    base = cycle_key(year, employee.nip)
    earlier = list(session.execute(select(Instance).where(
        Instance.process_id == "siklus_kinerja",
        (Instance.business_key == base) | Instance.business_key.like(f"{base}:%")).order_by(Instance.id)).scalars())
    position = employee.position
    if position is None:
        raise InvalidInput(f"{employee.nip} holds no position: transfer them first")
    data, summary = plan_one(session, employee, year, settings)
    if data is None:
        reason = "; ".join(text for _, text in summary.problems + summary.skipped)
        raise InvalidInput(f"no new cycle for {employee.nip}: {reason}")
    reason = f"Mutasi ke {position.code} ({position.name})"
    assignment = org.current_assignment(session, employee)
    transfer_date = assignment.started_on if assignment is not None else None
    if transfer_date is not None and transfer_date.year == year:
        data["tanggal_mutasi"] = transfer_date.isoformat()
    old_units = set()
    for instance in earlier:
        if instance.status in ENDED:
            continue
        old = skp_records.skp_of_instance(session, instance.id)
        if old is not None:  # the cycle's unit: its SKP's snapshot (every cycle opens its SKP first)
            # type: ignore[arg-type]
            old_units.add(calibration_units.calibration_unit(session.get(Unit, old.unit_id)).code)
        instances.terminate(session, instance.id, actor, reason)
        if old is not None and old.status != "ditutup":
            # An agreed SKP is closed by the old appraiser's partial rating; any other one now.
            rating = (partial_period.start_partial_rating(session, old, transfer_date, actor, reason)
                      if transfer_date else None)
            if rating is None:
                skp_records.set_status(session, old, "ditutup", actor, reason)
    spec = specs.require_latest(session, "siklus_kinerja")
    started = instances.start(session, spec, data, f"{base}:{len(earlier) + 1}", actor)
    # The calibrations of the year follow the move: the old unit stops waiting, the new one waits too.
    new_unit = data["unit_kalibrasi_kode"]
    for unit_code in sorted(code for code in old_units if code and code != new_unit):
        calibration_units.send_membership(session, unit_code, year, [employee.nip], "keluar", actor)
    if old_units != {new_unit}:
        calibration_units.send_membership(session, new_unit, year, [employee.nip], "masuk", actor)
    return started
