"""The per-period export: each employee's rating, periodic predikat and unit rating for one period.

This is what the allowance (TPP) is paid on (PermenPANRB 6/2022 Ps 28). The last period of the year
(Triwulan IV, Semester II, Desember: *Akhir*) is the annual evaluation: its predikat is the final one,
after calibration and any appeal.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.spreadsheet_cells import csv_safe_row

from ..cycle import periods
from ..models.org import Employee, Unit
from ..models.records import Rating, UnitRating
from ..models.skp import Skp
from ..organisation import org
from ..rating import ratings

COLUMNS = ("NIP", "Nama", "Unit", "Periode", "Hasil Kerja", "Perilaku Kerja", "Predikat", "Capaian Unit")
#: The names of the year's last period for each kind; "Akhir" names it whatever the kind.
FINAL = ("Desember", "Triwulan IV", "Semester II", "Akhir")
PERIOD_NAMES = (*periods.BULAN, *(f"Triwulan {r}" for r in periods.ROMAWI),
                *(f"Semester {r}" for r in periods.ROMAWI[:2]), "Akhir")


def period_key(name: str) -> tuple[str, bool]:
    """Return (the period's name without -Akhir, whether it is the year's last) or refuse an unknown name."""
    base = periods.base_name(str(name).strip())
    matched = next((known for known in PERIOD_NAMES if known.lower() == base.lower()), None)
    if matched is None:
        raise InvalidInput(f"unknown period {name!r}: use one of {', '.join(PERIOD_NAMES)}")
    return matched, matched in FINAL


def period_rows(session: Session, year: int, period: str, unit_code: str | None = None) -> list[dict[str, Any]]:
    """Return one row per employee with an SKP in the year (within the unit and its sub-units), by NIP."""
    name, final = period_key(period)
    unit_ids = _unit_ids(session, unit_code)
    query = select(Skp, Employee).join(Employee, Employee.id == Skp.employee_id).where(Skp.year == year)
    if unit_ids is not None:
        query = query.where(Skp.unit_id.in_(unit_ids))
    latest: dict[int, tuple[Skp, Employee]] = {}
    for skp, employee in session.execute(query.order_by(Skp.period_start, Skp.id)).all():
        latest[employee.id] = (skp, employee)  # after a transfer the latest SKP of the year speaks
    rows = []
    for skp, employee in sorted(latest.values(), key=lambda pair: pair[1].nip):
        unit = session.get(Unit, skp.unit_id)
        rating = _rating(session, skp, "akhir" if final else name)
        if final:
            current = ratings.current_predikat(session, skp)
            predikat = current.predikat if current else None
        else:
            predikat = rating.predikat_usulan if rating else None
        unit_rating = _unit_rating(session, skp.unit_id, year, "akhir" if final else name)
        rows.append({"NIP": employee.nip, "Nama": employee.name, "Unit": unit.code if unit else "",
                     "Periode": f"{name}{periods.AKHIR}" if final and name != "Akhir" else name,
                     "Hasil Kerja": rating.hasil_kerja if rating else "",
                     "Perilaku Kerja": rating.perilaku if rating else "", "Predikat": predikat or "",
                     "Capaian Unit": unit_rating or ""})
    return rows


def write_csv(rows: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """Write the rows as CSV with a header line, formula-looking text neutralised; return the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(csv_safe_row(row))
        count += 1
    return count


def _unit_ids(session: Session, unit_code: str | None) -> list[int] | None:
    """Return the ids of a unit and its sub-units, or None for the whole city."""
    if unit_code is None:
        return None
    root = org.unit_by_code(session, unit_code)
    children: dict[int | None, list[Unit]] = {}
    for unit in session.execute(select(Unit)).scalars():
        children.setdefault(unit.parent_id, []).append(unit)
    found, todo = [], [root]
    while todo:
        unit = todo.pop()
        found.append(unit.id)
        todo.extend(children.get(unit.id, []))
    return found


def _rating(session: Session, skp: Skp, period: str) -> Rating | None:
    """Return the SKP's latest rating of a period (name or `akhir`), or None."""
    rows = session.execute(select(Rating).where(Rating.skp_id == skp.id, Rating.period.in_(
        [period, f"{period}{periods.AKHIR}"])).order_by(Rating.id.desc())).scalars()
    return next(iter(rows), None)


def _unit_rating(session: Session, unit_id: int, year: int, period: str) -> str | None:
    """Return the unit's rating of a period, or None when not set."""
    row = session.execute(select(UnitRating).where(UnitRating.unit_id == unit_id, UnitRating.year == year,
                                                   UnitRating.period == period)).scalar_one_or_none()
    return row.capaian if row else None
