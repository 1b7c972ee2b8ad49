"""What the planning and monitoring pages show: an instance's SKP, its IKI, the person appraised, raters to pick."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime.lifecycle import instances

from ..models.org import Employee, Position, Unit
from ..models.skp import Iki, Realisation, Rhk
from ..organisation import org
from .skp import skp_of_instance
from .skp_views import plan_of, superior_rhk


def instance_variables(session: Session, instance_id: int) -> dict[str, Any]:
    """Return the variables of an instance (restores its workflow: for a task page, never a list)."""
    return dict(instances.variables(instances.load(session, instance_id)))


def plan_of_instance(session: Session, instance_id: int) -> dict[str, Any] | None:
    """Return the stored plan of the instance's SKP in the editor's shape (with ids), or None."""
    skp = skp_of_instance(session, instance_id)
    return None if skp is None else plan_of(session, skp)


def superior_rhk_of_instance(session: Session, instance_id: int) -> list[dict[str, Any]]:
    """Return the superior's RHK a staff RHK of this instance's SKP can intervene on: [{id, uraian}]."""
    skp = skp_of_instance(session, instance_id)
    return [] if skp is None else superior_rhk(session, skp)


def indicators_of_instance(session: Session, instance_id: int) -> list[dict[str, Any]]:
    """Return every IKI of the instance's SKP with its RHK: [{iki_id, rhk, uraian, target, satuan}]."""
    plan = plan_of_instance(session, instance_id)
    if plan is None:
        return []
    return [{"iki_id": iki["id"], "rhk": rhk["uraian"], "rhk_jenis": rhk.get("jenis"), "uraian": iki["uraian"],
             "target": iki["target"], "satuan": iki.get("satuan")}
            for rhk in plan["rhk"] for iki in rhk["iki"]]


def person(session: Session, nip: str | None) -> dict[str, Any] | None:
    """Return {nip, nama, jabatan, unit} of an employee by NIP, or None when unknown."""
    if not nip:
        return None
    employee = session.execute(select(Employee).where(Employee.nip == nip)).scalar_one_or_none()
    if employee is None:
        return None
    position = employee.position
    return {"nip": employee.nip, "nama": employee.name, "jabatan": position.name if position else None,
            "unit": position.unit.name if position else None}


def rater_candidates(session: Session, nip: str) -> list[dict[str, Any]]:
    """Return the active colleagues of the employee's OPD who may rate them, closest first.

    `relasi` says how they stand to the employee: `rekan` (same superior), `bawahan` (reports to the
    employee's position) or `lain` (elsewhere in the OPD). Neither the employee nor the direct superior
    (who appraises them anyway) is among them.
    """
    employee = session.execute(select(Employee).where(Employee.nip == nip)).scalar_one_or_none()
    if employee is None or employee.position is None:
        return []
    own = employee.position
    opd = org.opd_of(own.unit)
    # The units of the OPD, found on the (small) unit table, so only the OPD's employees are read.
    units = list(session.execute(select(Unit)).scalars())
    in_opd = [unit.id for unit in units if org.opd_of(unit).id == opd.id]
    rows = session.execute(select(Employee, Position, Unit).join(Position, Position.id == Employee.position_id)
                           .join(Unit, Unit.id == Position.unit_id)
                           .where(Employee.status == "aktif", Employee.id != employee.id,
                                  Position.unit_id.in_(in_opd))
                           .order_by(Employee.name)).all()
    found = []
    for other, position, unit in rows:
        if position.id == own.reports_to_id:
            continue
        if position.reports_to_id == own.id:
            relasi = "bawahan"
        elif own.reports_to_id is not None and position.reports_to_id == own.reports_to_id:
            relasi = "rekan"
        else:
            relasi = "lain"
        found.append({"nip": other.nip, "nama": other.name, "jabatan": position.name, "unit": unit.name,
                      "relasi": relasi})
    order = {"rekan": 0, "bawahan": 1, "lain": 2}
    return sorted(found, key=lambda c: (order[c["relasi"]], c["nama"]))


def public_service_of(session: Session, nip: str) -> bool:
    """Return whether the employee's unit serves the public (public feedback may then be given)."""
    employee = session.execute(select(Employee).where(Employee.nip == nip)).scalar_one_or_none()
    return bool(employee and employee.position and employee.position.unit.public_service)


def realisations_of_period(session: Session, instance_id: int, period: str | None) -> list[dict[str, Any]]:
    """Return each IKI of the instance's SKP with what was recorded for the period (None where nothing was)."""
    skp = skp_of_instance(session, instance_id)
    if skp is None or not period:
        return []
    recorded: dict[int, Realisation] = {}
    for row in session.execute(select(Realisation).join(Iki, Iki.id == Realisation.iki_id)
                               .join(Rhk, Rhk.id == Iki.rhk_id)
                               .where(Rhk.skp_id == skp.id, Realisation.period == period)
                               .order_by(Realisation.id)).scalars():
        recorded[row.iki_id] = row  # the latest entry of an IKI wins
    return [{**indicator, "realisasi": _realisation(recorded.get(indicator["iki_id"]))}
            for indicator in indicators_of_instance(session, instance_id)]


def _realisation(row: Realisation | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"nilai": row.value, "bukti_dukung": row.evidence_url, "catatan": row.note, "dicatat_pada": row.recorded_at}
