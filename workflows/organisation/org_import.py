"""`kinerja org import`: validate a whole SIASN/SIMPEG-style CSV, then upsert units, positions, employees."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.errors import InvalidInput, KinerjaError
from engine.models import AuditEvent

from ..models.org import STRUCTURAL_KINDS, Employee, Position, PositionAssignment, Unit
from . import org
from .org_csv import Problem, Row, read_rows

KINDS = ("unit", "position", "employee")


class ImportRefused(KinerjaError):
    """Some rows are invalid and --skip-invalid was not given: nothing was imported."""

    code = "import_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} invalid row(s); nothing imported", problems=problems)
        self.problems = problems

    def to_dict(self) -> dict[str, Any]:
        """Return the stable JSON form with the problems as dicts."""
        return {"code": self.code, "message": self.message, "problems": [p.to_dict() for p in self.problems]}


@dataclass
class ImportResult:
    """What an import did: counts per kind, the rows skipped, and the file's digest."""

    sha256: str
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {k: {"created": 0, "updated": 0, "unchanged": 0} for k in KINDS})
    transfers: int = 0
    skipped: list[Problem] = field(default_factory=list)


def import_org(session: Session, data: bytes, *, actor: str, file: str = "org.csv", skip_invalid: bool = False,
               on: date | None = None) -> ImportResult:
    """Validate every row, then upsert by unit code, position code and NIP; record `org_imported`."""
    on = on or org.today()
    longest = AuditEvent.__table__.c.actor.type.length
    if len(actor) > longest:  # refused before any row, not a database error at the end
        raise InvalidInput(f"the actor name is {len(actor)} characters long; at most {longest} fit")
    rows, problems = read_rows(data, file, on)
    units = {u.code: u for u in session.execute(select(Unit)).scalars()}
    positions = {p.code: p for p in session.execute(select(Position)).scalars()}
    rows, more = _check_references(session, rows, units, positions, file, on)
    problems = sorted(problems + more, key=lambda p: p.line)
    if problems and not skip_invalid:
        raise ImportRefused(problems)
    result = ImportResult(sha256=hashlib.sha256(data).hexdigest(), skipped=problems)
    _apply(session, rows, units, positions, result, on)
    audit.record(session, "org_imported", actor, data={
        "file": file, "sha256": result.sha256, "counts": result.counts, "transfers": result.transfers,
        "skipped": [p.to_dict() for p in problems]})
    return result


def _check_references(session: Session, rows: list[Row], units: dict[str, Unit], positions: dict[str, Position],
                      file: str, on: date) -> tuple[list[Row], list[Problem]]:
    """Drop rows that conflict or point at nothing, repeating until the rest is consistent."""
    current = {nip: (code, started) for nip, code, started in session.execute(
        select(Employee.nip, Position.code, PositionAssignment.started_on)
        .join(PositionAssignment, PositionAssignment.employee_id == Employee.id)
        .join(Position, Position.id == PositionAssignment.position_id)
        .where(PositionAssignment.ended_on.is_(None)))}
    stored_parents = {c: (u.parent.code if u.parent else None) for c, u in units.items()}
    stored_bosses = {c: (p.reports_to.code if p.reports_to else None) for c, p in positions.items()}
    problems: list[Problem] = []
    valid = list(rows)
    while True:
        bad: dict[int, str] = {}
        unit_defs, position_defs = _definitions(valid, bad)
        parents = {c: r.parent_code for c, r in unit_defs.items()}
        bosses = {c: r.reports_to_code for c, r in position_defs.items()}
        for row in valid:
            if row.line in bad:
                continue
            reason = (_missing(row.parent_code, unit_defs, units, "KODE_UNOR_INDUK", "unit")
                      or _cycle(row.unit_code, parents, stored_parents, "unit")
                      or _missing(row.reports_to_code, position_defs, positions, "KODE_JABATAN_ATASAN", "position")
                      or _cycle(row.position_code, bosses, stored_bosses, "position")
                      or _transfer_date(row, current, on))
            if reason:
                bad[row.line] = reason
        if not bad:
            return valid, problems
        problems += [Problem(file, line, reason) for line, reason in bad.items()]
        valid = [row for row in valid if row.line not in bad]


def _definitions(rows: list[Row], bad: dict[int, str]) -> tuple[dict[str, Row], dict[str, Row]]:
    """Return the first row defining each unit and position; mark rows that define one differently."""
    units: dict[str, Row] = {}
    positions: dict[str, Row] = {}
    for row in rows:
        first = units.setdefault(row.unit_code, row)
        if (first.unit_name, first.unit_kind, first.parent_code) != (row.unit_name, row.unit_kind, row.parent_code):
            bad[row.line] = f"unit {row.unit_code} is described differently on line {first.line}"
            continue
        if row.position_code is None:
            continue
        first = positions.setdefault(row.position_code, row)
        if ((first.position_name, first.position_kind, first.unit_code, first.reports_to_code)
                != (row.position_name, row.position_kind, row.unit_code, row.reports_to_code)):
            bad[row.line] = f"position {row.position_code} is described differently on line {first.line}"
    return units, positions


def _missing(code: str | None, defined: dict[str, Row], stored: dict[str, Any], column: str, what: str) -> str | None:
    if code is None or code in defined or code in stored:
        return None
    return f"{column} {code}: no such {what} in the file or the database"


def _cycle(code: str | None, in_file: dict[str, str | None], stored: dict[str, str | None], what: str) -> str | None:
    seen = set()
    step = code
    while step is not None and step not in seen:
        seen.add(step)
        step = in_file[step] if step in in_file else stored.get(step)
    return f"{what} {code} is its own superior through {', '.join(sorted(seen))}" if step is not None else None


def _transfer_date(row: Row, current: dict[str, tuple[str, date]], on: date) -> str | None:
    held_code, held_since = current.get(row.nip or "", (None, None))
    if held_since is None or held_code == row.position_code:
        return None
    starts = row.tmt_jabatan or on
    if starts <= held_since:
        return (f"position change of {row.nip} to {row.position_code} starts {starts}, not after the start of "
                f"{held_code} ({held_since}); give TMT_JABATAN")
    return None


def _apply(session: Session, rows: list[Row], units: dict[str, Unit], positions: dict[str, Position],
           result: ImportResult, on: date) -> None:
    unit_defs, position_defs = _definitions(rows, {})
    before_units = {c: _unit_state(u) for c, u in units.items()}
    before_positions = {c: _position_state(p) for c, p in positions.items()}
    public: dict[str, bool] = {}
    calibration: dict[str, bool] = {}
    for row in reversed(rows):  # the first row that says Y or N wins
        if row.public_service is not None:
            public[row.unit_code] = row.public_service
        if row.calibration_unit is not None:
            calibration[row.unit_code] = row.calibration_unit
    for code, row in unit_defs.items():
        unit = units.get(code) or Unit(code=code, public_service=False, calibration_unit=False)
        unit.name, unit.kind = row.unit_name, row.unit_kind
        unit.public_service = public.get(code, unit.public_service)
        unit.calibration_unit = calibration.get(code, unit.calibration_unit)
        units[code] = unit
        session.add(unit)
    for code, row in unit_defs.items():
        units[code].parent = units[row.parent_code] if row.parent_code else None
    for code, row in position_defs.items():
        position = positions.get(code) or Position(code=code)
        position.name, position.kind, position.unit = row.position_name, row.position_kind, units[row.unit_code]
        positions[code] = position
        session.add(position)
    for code, row in position_defs.items():
        positions[code].reports_to = positions[row.reports_to_code] if row.reports_to_code else None
    _set_heads(unit_defs, position_defs, units, positions)
    session.flush()
    _count(result, "unit", before_units, {c: _unit_state(units[c]) for c in unit_defs})
    _count(result, "position", before_positions, {c: _position_state(positions[c]) for c in position_defs})
    _apply_employees(session, [r for r in rows if r.nip], positions, result, on)


def _set_heads(unit_defs: dict[str, Row], position_defs: dict[str, Row], units: dict[str, Unit],
               positions: dict[str, Position]) -> None:
    """Make the head of a unit its most senior structural position whose superior sits elsewhere."""
    heads: dict[str, list[Row]] = {}
    for row in position_defs.values():
        if row.position_kind in STRUCTURAL_KINDS and (
                row.reports_to_code is None or positions[row.reports_to_code].unit is not units[row.unit_code]):
            heads.setdefault(row.unit_code, []).append(row)
    for code, candidates in heads.items():
        best = min(candidates, key=lambda r: STRUCTURAL_KINDS.index(r.position_kind))
        units[code].head_position = positions[str(best.position_code)]


def _apply_employees(session: Session, rows: list[Row], positions: dict[str, Position], result: ImportResult,
                     on: date) -> None:
    stored: dict[str, Employee] = {}
    nips = [r.nip for r in rows if r.nip]
    for i in range(0, len(nips), 500):  # stay far below any bind-parameter limit
        stored.update({e.nip: e for e in session.execute(
            select(Employee).where(Employee.nip.in_(nips[i:i + 500]))).scalars()})
    before = {nip: _employee_state(e) for nip, e in stored.items()}
    after: dict[str, tuple[Any, ...]] = {}
    for row in rows:
        assert row.nip is not None and row.position_code is not None
        employee = stored.get(row.nip) or Employee(nip=row.nip, status="aktif", updated_at=clock.now())
        employee.name, employee.kind, employee.gender = row.name, row.employee_kind, row.gender
        employee.status = row.status or employee.status
        employee.email = row.email or employee.email
        session.add(employee)
        position = positions[row.position_code]
        if row.nip not in stored:  # a first placement closes nothing: skip transfer's query and flush
            employee.position = position
            session.add(PositionAssignment(employee=employee, position=position, started_on=row.tmt_jabatan or on))
            result.transfers += 1
        elif employee.position is not position:
            org.transfer(session, employee, position, row.tmt_jabatan or on)
            result.transfers += 1
        after[row.nip] = _employee_state(employee)
        if row.nip in before and after[row.nip] != before[row.nip]:
            employee.updated_at = clock.now()
    session.flush()
    _count(result, "employee", before, after)


def _count(result: ImportResult, kind: str, before: dict[str, tuple[Any, ...]], after: dict[str, tuple[Any, ...]]
           ) -> None:
    for code, state in after.items():
        key = "created" if code not in before else "unchanged" if before[code] == state else "updated"
        result.counts[kind][key] += 1


def _unit_state(unit: Unit) -> tuple[Any, ...]:
    return (unit.name, unit.kind, unit.public_service, unit.calibration_unit, unit.parent and unit.parent.code,
            unit.head_position and unit.head_position.code)


def _position_state(position: Position) -> tuple[Any, ...]:
    return (position.name, position.kind, position.unit.code, position.reports_to and position.reports_to.code)


def _employee_state(employee: Employee) -> tuple[Any, ...]:
    return (employee.name, employee.kind, employee.status, employee.gender, employee.email,
            employee.position and employee.position.code)
