"""The monitoring periods of an SKP (e-Kinerja's Manajemen Periode), as the process computed them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import Id, UTCDateTime

from .org import _one_of
from .skp import _fk

JENIS_PERIODE = ("bulanan", "triwulanan", "semesteran")


class MonitoringPeriod(Base):
    """One period of an SKP's year: its name, dates and input deadline (batas pengisian)."""

    __tablename__ = "monitoring_period"
    __table_args__ = (UniqueConstraint("skp_id", "seq"),
                      CheckConstraint(_one_of("kind", JENIS_PERIODE), name="kind"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id", index=False)
    #: 1-based order in the year; the ratings and realisations carry the name.
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    input_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The year's last period (Akhir): its evaluation is the annual one.
    final: Mapped[bool] = mapped_column(Boolean, default=False)
