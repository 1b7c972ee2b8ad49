"""The public's feedback on a public-service unit: anonymous scores per BerAKHLAK value, no personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import Id, UTCDateTime

from .skp import _fk


class PublicFeedback(Base):
    """One visitor's answer to a unit's public feedback form; nothing identifies the visitor."""

    __tablename__ = "public_feedback"
    __table_args__ = (Index("ix_public_feedback_unit_year", "unit_id", "year"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    unit_id: Mapped[int] = _fk("unit.id", index=False)
    #: The calendar year (WITA) the answer was given in: the appraisal year it feeds.
    year: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Score 1-5 per BerAKHLAK value ({"berorientasi_pelayanan": 4, ...}); a value left out was not rated.
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The visitor's free text, refused when it holds a NIK-like number.
    comment: Mapped[str | None] = mapped_column(Text)
