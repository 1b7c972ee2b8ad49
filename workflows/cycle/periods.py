"""Calendar monitoring periods, as e-Kinerja's *Manajemen Periode*: names, dates and input deadlines.

An agency (OPD) chooses monthly, quarterly or semester periods for the periodic evaluation (PermenPANRB
6/2022 Ps 24-25); the last period of the year is *Akhir*, the annual evaluation. Dates are ISO text (task
data stays JSON), times in WITA, the zone of Samarinda.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..appraisals.records import RecordInvalid, note, one_of
from ..models.org import Unit
from ..models.periods import JENIS_PERIODE, MonitoringPeriod
from ..models.skp import Skp

#: Months per period of each kind.
MONTHS = {"bulanan": 1, "triwulanan": 3, "semesteran": 6}
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")
ROMAWI = ("I", "II", "III", "IV")
#: Suffix of the year's last period (e-Kinerja: PERIODE TRIWULAN IV-AKHIR).
AKHIR = "-Akhir"
WITA = "+08:00"
_DAYS = re.compile(r"^P(\d{1,3})D$")


def days_of(name: str, value: Any) -> int:
    """Return the days of a setting written as an ISO duration in days (`P5D`) or a whole number."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 999:
        return value
    found = _DAYS.match(str(value).strip()) if isinstance(value, str) else None
    if found is None:
        raise RecordInvalid(f"{name} must be a number of days such as P5D, not {value!r}", field=name)
    return int(found.group(1))


def period_name(jenis_periode: str, index: int) -> str:
    """Return the name of the index-th (0-based) period of a kind: Januari, Triwulan II, Semester I."""
    if jenis_periode == "bulanan":
        return BULAN[index]
    return f"{'Triwulan' if jenis_periode == 'triwulanan' else 'Semester'} {ROMAWI[index]}"


def daftar_periode(tahun: int, jenis_periode: str, mulai: str | None = None, batas_pengisian: Any = "P5D",
                   buka_realisasi: Any = "P7D") -> list[dict[str, Any]]:
    """Return the periods of a year from 1 January, or from `mulai` (a late SKP's start), as JSON dicts.

    Each has `ke` (1-based), `nama`, `mulai`/`selesai` (dates), `buka` (when the realisation task opens:
    `buka_realisasi` days before the end, not before the start), `berakhir` (the day after the end, 00:00),
    `batas_pengisian` (the input deadline: `batas_pengisian` days after the end, 23:59:59), `akhir` (the
    last period, the annual evaluation) and `semester_1` (the period that ends on 30 June).
    """
    if isinstance(tahun, bool) or not isinstance(tahun, int) or not 2000 <= tahun <= 2100:
        raise RecordInvalid(f"tahun must be a year, not {tahun!r}", field="tahun")
    one_of("jenis_periode", jenis_periode, JENIS_PERIODE)
    after, before = days_of("batas_pengisian", batas_pengisian), days_of("buka_realisasi", buka_realisasi)
    first = date(tahun, 1, 1)
    if mulai:
        try:
            first = date.fromisoformat(str(mulai)[:10])
        except ValueError:
            raise RecordInvalid(f"mulai must be an ISO date, not {mulai!r}", field="mulai") from None
        if first.year != tahun:
            raise RecordInvalid(f"mulai {first} does not lie in {tahun}", field="mulai")
    months = MONTHS[jenis_periode]
    found: list[dict[str, Any]] = []
    for index in range(12 // months):
        start = date(tahun, 1 + index * months, 1)
        end = start + relativedelta(months=months) - timedelta(days=1)
        if end < first:  # a late SKP has no period before it starts
            continue
        start = max(start, first)
        opens = max(start, end - timedelta(days=before))
        found.append({
            "ke": len(found) + 1, "nama": period_name(jenis_periode, index), "mulai": start.isoformat(),
            "selesai": end.isoformat(), "buka": f"{opens.isoformat()}T00:00:00{WITA}",
            "berakhir": f"{(end + timedelta(days=1)).isoformat()}T00:00:00{WITA}",
            "batas_pengisian": f"{(end + timedelta(days=after)).isoformat()}T23:59:59{WITA}",
            "akhir": False, "semester_1": (end.month, end.day) == (6, 30)})
    found[-1]["akhir"] = True
    found[-1]["nama"] += AKHIR
    return found


def base_name(name: str) -> str:
    """Return a period's name without the Akhir suffix (`Triwulan IV-Akhir` -> `Triwulan IV`)."""
    return name[:-len(AKHIR)] if name.endswith(AKHIR) else name


def jenis_periode_of(unit: Unit | None) -> str | None:
    """Return the period kind set on the unit or the nearest unit above it (its OPD), or None."""
    while unit is not None:
        if unit.jenis_periode:
            return unit.jenis_periode
        unit = unit.parent
    return None


def set_jenis_periode(session: Session, unit: Unit, jenis_periode: str | None, actor: str) -> Unit:
    """Set (or clear, with None) the period kind of a unit; its sub-units inherit it."""
    if jenis_periode is not None:
        one_of("jenis_periode", jenis_periode, JENIS_PERIODE)
    previous, unit.jenis_periode = unit.jenis_periode, jenis_periode
    session.flush()
    note(session, "unit_period_kind_set", actor, None,
         {"unit": unit.code, "jenis_periode": jenis_periode, "previous": previous})
    return unit


def record_periods(session: Session, skp: Skp, jenis_periode: str, periods: list[dict[str, Any]],
                   actor: str) -> list[MonitoringPeriod]:
    """Record an SKP's monitoring periods once; a second call returns those recorded the first time."""
    existing = periods_of(session, skp)
    if existing:
        return existing
    rows = [MonitoringPeriod(skp_id=skp.id, seq=p["ke"], name=p["nama"], kind=jenis_periode,
                             starts_on=date.fromisoformat(p["mulai"]), ends_on=date.fromisoformat(p["selesai"]),
                             input_deadline=datetime.fromisoformat(p["batas_pengisian"]), final=p["akhir"])
            for p in periods]
    session.add_all(rows)
    session.flush()
    note(session, "periods_recorded", actor, skp.instance_id, {
        "skp_id": skp.id, "jenis_periode": jenis_periode, "periode": [p["nama"] for p in periods]})
    return rows


def periods_of(session: Session, skp: Skp) -> list[MonitoringPeriod]:
    """Return an SKP's recorded periods in order."""
    return list(session.execute(select(MonitoringPeriod).where(MonitoringPeriod.skp_id == skp.id)
                                .order_by(MonitoringPeriod.seq)).scalars())
