"""Follow-up records: the PPK's decision after an improvement period without improvement, partial periods."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import Id, UTCDateTime

from .org import _one_of
from .skp import _fk

#: What the PPK may decide after an improvement period without improvement (PP 30/2019 Ps 57-58).
PPK_DECISIONS = ("uji_kompetensi", "pemindahan", "penurunan_jabatan", "penempatan_sementara")


class SanctionDecision(Base):
    """The Tim Penilai Kinerja's recommendation and the PPK's decision on a development plan not met."""

    __tablename__ = "sanction_decision"
    __table_args__ = (
        CheckConstraint(_one_of("recommendation", PPK_DECISIONS), name="recommendation"),
        CheckConstraint(f"decision IS NULL OR {_one_of('decision', PPK_DECISIONS)}", name="decision"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    plan_id: Mapped[int] = _fk("development_plan.id")
    recommendation: Mapped[str] = mapped_column(String(30))
    recommendation_reason: Mapped[str] = mapped_column(Text)
    recommended_by: Mapped[str] = mapped_column(String(200))
    recommended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The PPK's choice, None until decided.
    decision: Mapped[str | None] = mapped_column(String(30))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PartialPeriod(Base):
    """The date range a partial-period rating covers: the months in the old position before a transfer."""

    __tablename__ = "partial_period"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    rating_id: Mapped[int] = _fk("rating.id")
    skp_id: Mapped[int] = _fk("skp.id")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
