"""What the employee and the appraiser may see of multi-rater feedback: k-anonymous aggregates only.

An answer is advisory input (DOMAIN.md §4). Per question (BerAKHLAK value), the mean is shown only
when at least k raters answered that question; below k the question says so and has no value, because
with two answers each rater can work out the other's (UU 27/2022: the rater's answer is their personal
data). Free-text comments follow the same threshold, counted over the comments themselves, and are
shuffled so their order says nothing about who wrote them. The employee's self-assessment is shown
apart and never counted. Individual answers stay in `rater_response`, for auditors.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..appraisals.records import RecordInvalid
from ..models.skp import BERAKHLAK, RaterResponse, Skp

#: Relations whose answers are pooled into the aggregate (the public's survey and the self-assessment are not).
POOLED = ("peer", "subordinate")
NOT_ENOUGH = "jawaban belum cukup"
#: The default of setting min_penilai_agregat (a design choice, DOMAIN.md §4).
DEFAULT_MIN_RATERS = 3

_shuffle = random.SystemRandom().shuffle


def responses(session: Session, skp: Skp, relations: tuple[str, ...] = POOLED) -> list[RaterResponse]:
    """Return the SKP's recorded answers of the given relations."""
    return list(session.execute(select(RaterResponse).where(
        RaterResponse.skp_id == skp.id, RaterResponse.relation.in_(relations)).order_by(RaterResponse.id)).scalars())


def min_raters(value: Any) -> int:
    """Return the threshold k as given by the process owner, refusing anything below 2."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise RecordInvalid(f"min_penilai_agregat must be a whole number of at least 2, not {value!r}",
                            field="min_penilai_agregat")
    return value


def aggregate(session: Session, skp: Skp, k: int = DEFAULT_MIN_RATERS) -> dict[str, Any]:
    """Return the aggregate per question, the shuffled comments and the self-assessment, without raters.

    `agregat_rekan`: {value: {"rata_rata", "jumlah"}} when at least k answered it, else
    {value: {"rata_rata": None, "keterangan": "jawaban belum cukup"}}.
    """
    k = min_raters(k)
    answers = responses(session, skp)
    per_value: dict[str, Any] = {}
    for value in BERAKHLAK:
        given = [row.scores[value] for row in answers if row.scores.get(value) is not None]
        if len(given) >= k:
            per_value[value] = {"rata_rata": round(sum(given) / len(given), 2), "jumlah": len(given)}
        else:
            per_value[value] = {"rata_rata": None, "keterangan": NOT_ENOUGH}
    comments = [row.comment for row in answers if row.comment]
    shown_comments = list(comments) if len(comments) >= k else []
    _shuffle(shown_comments)
    own = responses(session, skp, ("self",))
    return {
        "min_penilai_agregat": k,
        "jumlah_rekan_menjawab": len(answers),
        "agregat_rekan": per_value,
        "agregat_rekan_tampil": any(item["rata_rata"] is not None for item in per_value.values()),
        "komentar_rekan": shown_comments,
        "komentar_rekan_tersembunyi": len(comments) - len(shown_comments),
        "penilaian_diri": ({"nilai": dict(own[0].scores), "komentar": own[0].comment} if own else None),
    }


def summary_text(result: dict[str, Any], asked: int) -> str:
    """Return the text the appraiser reads on the rating form (Indonesian), built from `aggregate`."""
    k, answered = result["min_penilai_agregat"], result["jumlah_rekan_menjawab"]
    if result["agregat_rekan_tampil"]:
        parts = [f"{value} {item['rata_rata']}" if item["rata_rata"] is not None else f"{value} {NOT_ENOUGH}"
                 for value, item in result["agregat_rekan"].items()]
        text = f"Rata-rata dari {answered} rekan (skala 1-5): " + "; ".join(parts) + "."
    else:
        text = (f"Tidak ditampilkan: {answered} dari {asked} rekan menjawab, paling sedikit {k} "
                "agar penilai tidak dapat dikenali.")
    if result["komentar_rekan"]:
        text += " Komentar rekan (urutan acak, tanpa nama): " + " | ".join(result["komentar_rekan"]) + "."
    elif result["komentar_rekan_tersembunyi"]:
        text += f" Komentar rekan tidak ditampilkan: kurang dari {k} komentar."
    own = result["penilaian_diri"]
    if own is None:
        text += " Penilaian diri: tidak diisi."
    else:
        scores = "; ".join(f"{value} {score}" for value, score in own["nilai"].items())
        text += f" Penilaian diri (terpisah, tidak dihitung dalam rata-rata): {scores}."
    return text
