"""The public's feedback on a public-service unit: checked, stored anonymously, summed up for the process.

A visitor rates a unit 1-5 on each BerAKHLAK value (the scale `pilih_rekan`'s `umpan_balik_publik`
takes) and may add a free text. Nothing identifies the visitor: no name, NIK or e-mail is asked for,
and a text holding a NIK-like number is refused rather than stored.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.errors import NotFound

from ..appraisals.records import RecordInvalid, note, text
from ..models.org import Unit
from ..models.public_feedback import PublicFeedback
from ..models.skp import BERAKHLAK

#: The aspects rated, in the order of the form: the BerAKHLAK core values.
ASPECTS = BERAKHLAK
SCORES = (1, 2, 3, 4, 5)
MAX_COMMENT = 1000
#: The `sumber` the process records with the public's averages.
SOURCE = "Formulir umpan balik publik Kinerja"
#: 16 digits, possibly grouped by spaces, dots or dashes (6472 0101 0101 0001): a NIK or a number like one.
_NIK_LIKE = re.compile(r"(?<!\d)(?:\d[\s.\-]?){15}\d(?!\d)")


def contains_nik(value: str) -> bool:
    """Return whether value holds a 16-digit number that could be a NIK."""
    return bool(_NIK_LIKE.search(value))


def public_service_unit(session: Session, code: str) -> Unit:
    """Return the public-service unit of a code; refuse any other unit as not found."""
    unit = session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if unit is None or not unit.public_service:
        raise NotFound(f"no public-service unit {code!r}")
    return unit


def public_service_units(session: Session) -> list[Unit]:
    """Return the units the public can give feedback on, by name."""
    return list(session.execute(select(Unit).where(Unit.public_service.is_(True)).order_by(Unit.name)).scalars())


def record_feedback(session: Session, unit: Unit, scores: dict[str, Any], comment: str | None) -> PublicFeedback:
    """Store one visitor's feedback on a public-service unit; refuse bad scores or a NIK in the text."""
    if not unit.public_service:
        raise NotFound(f"no public-service unit {unit.code!r}")
    checked: dict[str, int] = {}
    for aspect, score in scores.items():
        if aspect not in ASPECTS:
            raise RecordInvalid(f"{aspect!r} is not a rated aspect", field=aspect)
        if isinstance(score, bool) or score not in SCORES:
            raise RecordInvalid(f"{aspect} must be a score from 1 to 5, not {score!r}", field=aspect)
        checked[aspect] = score
    if not checked:
        raise RecordInvalid("rate at least one aspect", field="nilai")
    cleaned = text("komentar", comment, required=False, max_length=MAX_COMMENT)
    if cleaned and contains_nik(cleaned):
        raise RecordInvalid("the text holds a NIK-like number", field="komentar")
    now = clock.now()
    feedback = PublicFeedback(unit_id=unit.id, year=now.astimezone(clock.local_tz).year, submitted_at=now,
                              scores=checked, comment=cleaned)
    session.add(feedback)
    session.flush()
    # The trail says that an answer came and where, never what could identify its sender.
    note(session, "public_feedback_received", "publik", None,
         {"unit": unit.code, "public_feedback_id": feedback.id, "aspek": sorted(checked)})
    return feedback


def survey(session: Session, unit: Unit, tahun: int, *, until: datetime | None = None) -> dict[str, Any] | None:
    """Return the public's averages of a unit's year as `umpan_balik_publik` takes them, or None.

    The answers of the unit and of the units above it count: a visitor rates the office they went to
    (Disdukcapil), and each Seksi under it serves through it. Averages are rounded to two decimals.
    """
    ids: list[int] = []
    current: Unit | None = unit
    while current is not None:
        if current.public_service:
            ids.append(current.id)
        current = current.parent
    query = select(PublicFeedback.scores).where(PublicFeedback.unit_id.in_(ids), PublicFeedback.year == tahun)
    if until is not None:
        query = query.where(PublicFeedback.submitted_at <= until)
    totals: dict[str, list[int]] = {}
    answers = 0
    for (scores,) in session.execute(query):
        answers += 1
        for aspect, score in scores.items():
            totals.setdefault(aspect, []).append(int(score))
    if not totals:
        return None
    nilai = {a: round(sum(totals[a]) / len(totals[a]), 2) for a in ASPECTS if a in totals}
    return {"sumber": f"{SOURCE} ({answers} jawaban)", "nilai": nilai}
