"""Calibration units: the group whose predikat are fitted to one distribution curve (SE MenPANRB 3/2023).

By default a unit is calibrated with its perangkat daerah (OPD), whose leader's organisation gets the
*capaian kinerja organisasi*; a unit flagged `calibration_unit` (a large UPTD, a kecamatan) is calibrated
on its own, with the sub-units below it. Membership of a year is read from the records: every SKP of
the year that is not closed, by the unit it was made in.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.definitions.specs import spec_of
from engine.errors import InvalidInput
from engine.models import Instance
from engine.runtime.events import messages

from ..models.org import Employee, Unit
from ..models.skp import Skp
from ..organisation import org

#: The message a unit calibration waits on (kalibrasi_unit.bpmn); also carries membership changes.
CALIBRATION_MESSAGE = "penilaian_selesai"
#: The script task of kalibrasi_unit.bpmn that applies a message to the member list.
RECORDING_TASK = "Task_catat_penilaian"


def calibration_unit(unit: Unit) -> Unit:
    """Return the unit whose calibration covers `unit`: the nearest flagged ancestor (or itself), else its OPD."""
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.kind != "pemkot" and current.id not in seen:
        if current.calibration_unit:
            return current
        seen.add(current.id)
        current = current.parent
    return org.opd_of(unit)


def calibration_unit_of(session: Session, unit_code: str) -> Unit:
    """Return the calibration unit of the unit with this code (NotFound for an unknown code)."""
    return calibration_unit(org.unit_by_code(session, unit_code))


def covered_unit_ids(session: Session, unit: Unit) -> list[int]:
    """Return the ids of the units whose predikat are counted with `unit`: itself and those it calibrates."""
    ids = {unit.id}
    for other in session.execute(select(Unit)).scalars():
        if other.kind != "pemkot" and calibration_unit(other).id == unit.id:
            ids.add(other.id)
    return sorted(ids)


def members(session: Session, code: str, year: int) -> list[str]:
    """Return the NIPs, sorted, with an open SKP of `year` in a unit the calibration unit `code` covers."""
    org.unit_by_code(session, code)  # NotFound for an unknown code
    return members_by_unit(session, year).get(code, [])


def members_by_unit(session: Session, year: int) -> dict[str, list[str]]:
    """Return {calibration unit code: sorted NIPs} for every open SKP of `year`, in one pass over the records."""
    rows = session.execute(select(Employee.nip, Skp.unit_id).join(Employee, Employee.id == Skp.employee_id).where(
        Skp.year == year, Skp.status != "ditutup")).all()
    cache: dict[int, str | None] = {}
    found: dict[str, set[str]] = {}
    for nip, unit_id in rows:
        if unit_id not in cache:
            unit = session.get(Unit, unit_id)
            cache[unit_id] = calibration_unit(unit).code if unit is not None else None
        code = cache[unit_id]
        if code is not None:
            found.setdefault(code, set()).add(nip)
    return {code: sorted(nips) for code, nips in found.items()}


def set_calibration_unit(session: Session, code: str, flag: bool, actor: str) -> Unit:
    """Mark a unit as its own calibration unit (or not); audited. Cycles opened later use the new grouping."""
    unit = org.unit_by_code(session, code)
    if unit.kind == "pemkot":
        raise InvalidInput("the city government as a whole is not a calibration unit")
    before = bool(unit.calibration_unit)
    unit.calibration_unit = flag
    session.flush()
    audit.record(session, "calibration_unit_set", actor, data={"unit": code, "before": before, "after": flag})
    return unit


def send_membership(session: Session, code: str, year: int, nips: list[str], change: str, actor: str, *,
                    several: bool = True) -> int:
    """Tell the year's calibration of `code` that employees join (masuk) or leave (keluar); return deliveries.

    One NIP goes as `nip`, several as `nips` in one message, so the calibration restores and saves once for
    all of them; with several=False (a version that reads one `nip` only) each goes in its own message.
    """
    if change not in ("masuk", "keluar"):
        raise InvalidInput(f"a membership change is masuk or keluar, not {change!r}")
    groups: list[dict[str, object]] = (
        [{"nip": nip} for nip in nips] if len(nips) == 1 or not several else [{"nips": list(nips)}])
    return sum(messages.send(session, CALIBRATION_MESSAGE, {**who, "unit_kode": code, "tahun": year,
                                                            "perubahan": change}, actor) for who in groups)


def takes_several(session: Session, calibration: Instance) -> bool:
    """Return whether a calibration's deployed version reads `nips` (earlier versions read one `nip` only)."""
    spec, subprocesses = spec_of(session, calibration.spec_version_id, calibration.spec_sha256)
    for process_spec in [spec, *subprocesses.values()]:
        task = process_spec.task_specs.get(RECORDING_TASK)
        if task is not None:
            return "get('nips')" in (getattr(task, "script", None) or "")
    return False
