"""A calibration as its leader reviews it: the distribution against the unit's rule, and every member.

The numbers come from the calibration's own variables (what `Periksa distribusi predikat` computed from
`pola_distribusi.dmn`), so the page shows exactly what the process checks; the per-predikat limits are
read from the same outputs (`batas_distribusi`) the shared `curve.violations` applies.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.org import Employee, Unit
from ..models.records import UnitRating
from ..models.skp import PREDIKATS

#: predikat → (kind of limit, output of pola_distribusi.dmn); "no limit" is a maximum of 100 or a minimum of 0.
LIMIT_OF = {"sangat_baik": ("max", "maks_sangat_baik"), "baik": ("max", "maks_baik"),
            "butuh_perbaikan": ("min", "min_butuh_perbaikan"), "kurang_misconduct": ("min", "min_kurang"),
            "sangat_kurang": ("min", "min_sangat_kurang")}


def _counts(penilaian: dict[str, str]) -> dict[str, int]:
    counts = dict.fromkeys(PREDIKATS, 0)
    for predikat in penilaian.values():
        if predikat in counts:
            counts[predikat] += 1
    return counts


def distribution_rows(penilaian: dict[str, str], limits: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Return per predikat: count, percentage, the allowed range (min, max) and whether it is broken."""
    counts = _counts(penilaian)
    total = sum(counts.values())
    rows = []
    for predikat in PREDIKATS:
        pct = round(counts[predikat] * 100 / total, 1) if total else 0.0
        low, high = 0, 100
        kind, name = LIMIT_OF[predikat]
        if limits and name in limits:
            if kind == "max":
                high = limits[name]
            else:
                low = limits[name]
        if limits and predikat == "sangat_baik" and limits.get("sangat_baik_dilarang"):
            high = 0
        broken = bool(limits) and (pct > high or pct < low)
        rows.append({"predikat": predikat, "count": counts[predikat], "percent": pct, "min": low, "max": high,
                     "broken": broken})
    return rows


def group_rules(limits: dict[str, Any] | None) -> dict[str, Any]:
    """Return the rules over several predikat together: the joint minimum and whether some must be poor."""
    limits = limits or {}
    return {"min_bp_atau_kurang": limits.get("min_bp_atau_kurang") or 0,
            "wajib_bp_atau_kurang": bool(limits.get("wajib_bp_atau_kurang"))}


def members(session: Session, usulan: dict[str, str], penilaian: dict[str, str]) -> list[dict[str, Any]]:
    """Return each member with name, the appraiser's proposal and the current predikat, by name."""
    nips = sorted(set(penilaian) | set(usulan))
    names = dict(session.execute(select(Employee.nip, Employee.name).where(Employee.nip.in_(nips))).all()) \
        if nips else {}
    rows = [{"nip": nip, "nama": names.get(nip, nip), "usulan": usulan.get(nip), "predikat": penilaian.get(nip)}
            for nip in nips]
    return sorted(rows, key=lambda row: (str(row["nama"]).lower(), row["nip"]))


def calibration_view(session: Session, variables: dict[str, Any], shown: dict[str, Any]) -> dict[str, Any]:
    """Return what the adjustment page shows, from the calibration's variables and the form's shown values."""
    penilaian = shown.get("penilaian") or variables.get("penilaian") or {}
    usulan = shown.get("usulan") or variables.get("usulan") or {}
    limits = variables.get("batas_distribusi")
    rated = variables.get("jumlah_dinilai", len(penilaian))
    minimum = variables.get("min_kelompok_kurva")
    return {
        "unit": {"kode": variables.get("unit_kode"), "nama": variables.get("unit_nama")},
        "tahun": variables.get("tahun"), "capaian_unit": variables.get("capaian_unit"),
        "rows": distribution_rows(penilaian, limits), "group_rules": group_rules(limits),
        "violations": list(variables.get("pelanggaran") or []),
        "enforced": variables.get("kurva_ditegakkan", True),
        "small_group": minimum is not None and 0 < rated < minimum, "min_group": minimum, "rated": rated,
        "summary": shown.get("hasil_kurva") or variables.get("hasil_kurva"),
        "members": members(session, usulan, penilaian),
    }


def unit_ratings_of_year(session: Session, unit_code: str, year: int) -> list[dict[str, Any]]:
    """Return the unit's ratings set so far in the year ({period, capaian}), in the order they were set."""
    unit = session.execute(select(Unit).where(Unit.code == unit_code)).scalar_one_or_none()
    if unit is None:
        return []
    rows = session.execute(select(UnitRating).where(UnitRating.unit_id == unit.id, UnitRating.year == year)
                           .order_by(UnitRating.set_at, UnitRating.id)).scalars()
    return [{"period": row.period, "capaian": row.capaian} for row in rows]
