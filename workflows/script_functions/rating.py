"""Stages 3 and 5, penilaian_kinerja and kalibrasi_unit: ratings, predikat, unit rating, the pattern."""

from __future__ import annotations

from typing import Any

from engine.context import current_run

from ..appraisals.records import RecordInvalid, text
from ..calibration import calibration_units, curve
from ..organisation import org
from ..planning import skp as skp_records
from ..rating import rating_file, ratings
from .common import skp_of_step


def catat_penilaian(hasil_kerja: str, perilaku: str, predikat_usulan: str, periode: str = "akhir",
                    penilaian_rhk: list[dict[str, Any]] | None = None,
                    penilaian_perilaku: dict[str, Any] | None = None) -> dict[str, Any]:
    """Record the appraiser's ratings (overall, per RHK, per BerAKHLAK value) and proposed predikat."""
    run, found = skp_of_step()
    rating = ratings.record_rating(run.session, found, hasil_kerja, perilaku, predikat_usulan, run.actor, periode,
                                   per_rhk=penilaian_rhk, per_value=penilaian_perilaku)
    return {"rating_id": rating.id, "predikat": rating.predikat_usulan}

def baca_berkas_penilaian() -> dict[str, Any] | None:
    """Return what the appraiser judges: this SKP's plan, realisations, periodic ratings and feedback.

    None for a stage started on its own before any SKP exists (nothing was documented to show).
    """
    run = current_run()
    found = skp_records.skp_of_instance(run.session, run.instance_id) if run.instance_id is not None else None
    return rating_file.rating_file(run.session, found) if found is not None else None

def tetapkan_predikat(predikat: str, sumber: str, alasan: str | None = None) -> dict[str, Any]:
    """Give this instance's SKP a predikat (sumber: rating | kalibrasi | keberatan); return old and new."""
    run, found = skp_of_step()
    before = ratings.current_predikat(run.session, found)
    ratings.change_predikat(run.session, found, predikat, sumber, run.actor, alasan)
    return {"predikat": predikat, "sebelumnya": before.predikat if before else None}

def catat_capaian_unit(unit_kode: str, tahun: int, capaian: str, periode: str = "akhir") -> dict[str, Any]:
    """Set a unit's performance rating for a year and period; return what was set."""
    run = current_run()
    unit = org.unit_by_code(run.session, text("unit_kode", unit_kode) or "")
    ratings.set_unit_rating(run.session, unit, tahun, capaian, run.actor, periode, run.instance_id)
    return {"unit_kode": unit.code, "tahun": tahun, "periode": periode, "capaian": capaian}

def hitung_distribusi(unit_kode: str, tahun: int) -> dict[str, int]:
    """Return the count of current predikat per value in the unit's calibration unit and year (zeros included).

    The curve is the calibration unit's (the OPD, or a unit calibrated on its own), whichever unit is named.
    """
    run = current_run()
    unit = calibration_units.calibration_unit_of(run.session, text("unit_kode", unit_kode) or "")
    return ratings.distribution(run.session, unit, tahun)

def periksa_pola_distribusi(batas_distribusi: dict[str, Any] | None, jumlah_predikat: dict[str, int],
                            capaian_unit: str | None) -> list[str]:
    """Apply pola_distribusi.dmn's limits to a count of predikat; return the violations (empty: compliant)."""
    if not isinstance(jumlah_predikat, dict):
        raise RecordInvalid(f"jumlah_predikat must be a map predikat → count, not {jumlah_predikat!r}")
    return curve.violations(batas_distribusi, jumlah_predikat, capaian_unit)

def capaian_unit_tercatat(unit_kode: str, tahun: int) -> str | None:
    """Return the recorded rating (period akhir) the unit's curve follows: its calibration unit's, else its own."""
    run = current_run()
    unit = org.unit_by_code(run.session, text("unit_kode", unit_kode) or "")
    for candidate in (calibration_units.calibration_unit(unit), unit):
        found = ratings.unit_rating(run.session, candidate.id, tahun)
        if found is not None:
            return found.capaian
    return None
