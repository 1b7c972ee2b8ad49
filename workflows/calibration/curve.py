"""The distribution pattern of predikat in a unit (SE MenPANRB 3/2023), read from pola_distribusi.dmn's outputs.

The limits per unit rating live in the DMN table a process owner edits; this module only applies them
to a count of predikat, the same way for the calibration and for the re-check after an appeal.
"""

from __future__ import annotations

from typing import Any

from ..appraisals.records import RecordInvalid
from ..models.skp import PREDIKATS

CAPAIAN_NAMES = {"istimewa": "Istimewa", "baik": "Baik", "butuh_perbaikan": "Butuh Perbaikan",
                 "kurang": "Kurang", "sangat_kurang": "Sangat Kurang"}
LIMITS = ("maks_sangat_baik", "maks_baik", "min_butuh_perbaikan", "min_kurang", "min_sangat_kurang",
          "min_bp_atau_kurang", "wajib_bp_atau_kurang", "sangat_baik_dilarang")


def violations(limits: dict[str, Any] | None, counts: dict[str, int], capaian: str | None) -> list[str]:
    """Return the violations (Indonesian, as shown to the leader) of counts {predikat: n} against limits."""
    if not capaian or not limits:
        return ["Capaian kinerja unit belum ditetapkan: pola distribusi tidak dapat diperiksa."]
    missing = [name for name in LIMITS if name not in limits]
    if missing or capaian not in CAPAIAN_NAMES:
        raise RecordInvalid(f"pola_distribusi gave no {', '.join(missing) or 'known unit rating'}",
                            missing=missing, capaian=capaian)
    total = sum(int(counts.get(p, 0)) for p in PREDIKATS)
    pct = {p: (int(counts.get(p, 0)) * 100 / total if total else 0) for p in PREDIKATS}
    poor = pct["butuh_perbaikan"] + pct["kurang_misconduct"]
    name = f"Capaian unit {CAPAIAN_NAMES[capaian]}"
    found = []
    if limits["sangat_baik_dilarang"] and counts.get("sangat_baik", 0) > 0:
        found.append(f"{name}: predikat Sangat Baik tidak boleh diberikan ({counts['sangat_baik']} pegawai).")
    elif pct["sangat_baik"] > limits["maks_sangat_baik"]:
        found.append(f"{name}: Sangat Baik {round(pct['sangat_baik'], 1)}% melebihi batas "
                     f"{limits['maks_sangat_baik']}%.")
    if pct["baik"] > limits["maks_baik"]:
        found.append(f"{name}: Baik {round(pct['baik'], 1)}% melebihi batas {limits['maks_baik']}%.")
    for predikat, limit, label in (("butuh_perbaikan", "min_butuh_perbaikan", "Butuh Perbaikan"),
                                   ("kurang_misconduct", "min_kurang", "Kurang/Misconduct"),
                                   ("sangat_kurang", "min_sangat_kurang", "Sangat Kurang")):
        if pct[predikat] < limits[limit]:
            found.append(f"{name}: {label} {round(pct[predikat], 1)}% kurang dari paling sedikit {limits[limit]}%.")
    if poor < limits["min_bp_atau_kurang"]:
        found.append(f"{name}: Butuh Perbaikan dan Kurang/Misconduct bersama {round(poor, 1)}% kurang dari "
                     f"paling sedikit {limits['min_bp_atau_kurang']}%.")
    if limits["wajib_bp_atau_kurang"] and poor == 0:
        found.append(f"{name}: harus ada pegawai dengan predikat Butuh Perbaikan dan/atau Kurang/Misconduct.")
    return found
