"""Stage 2b, umpan_balik_rekan: the self-assessment and the k-anonymous aggregate the process may carry."""

from __future__ import annotations

from typing import Any

from ..appraisals.records import RecordInvalid, text
from ..data_protection import multi_rater
from ..rating import ratings
from .common import skp_of_step


def catat_penilaian_diri(nilai: dict[str, Any], komentar: str | None = None) -> str:
    """Record the employee's self-assessment (relation self): shown apart, never pooled with the raters."""
    run, found = skp_of_step()
    employee = ratings.employee_of(run.session, found)
    if run.actor != employee.nip:
        raise RecordInvalid(f"only {employee.nip} may assess themselves, not {run.actor}", actor=run.actor)
    ratings.record_rater_response(run.session, found, employee.nip, "self", dict(nilai or {}), run.actor,
                                  text("komentar", komentar, required=False))
    return "self"


def agregat_umpan_balik_rekan(min_penilai_agregat: int, jumlah_rekan_diminta: int) -> dict[str, Any]:
    """Return what the employee and the appraiser may see: per-question means over at least k raters.

    Keys: jumlah_rekan_menjawab, agregat_rekan, agregat_rekan_tampil, komentar_rekan (shuffled, only from k
    comments), penilaian_diri and ringkasan_umpan_balik_rekan (the appraiser's text). No rater identity.
    """
    run, found = skp_of_step()
    result = multi_rater.aggregate(run.session, found, min_penilai_agregat)
    result["ringkasan_umpan_balik_rekan"] = multi_rater.summary_text(result, jumlah_rekan_diminta)
    return result
