"""Appraisal records: ratings, unit ratings, predikat history, appeals, signatures, consents, publication.

The plan and monitoring tables (SKP, RHK, IKI...) are in `skp.py`. Rows are written only by the domain
functions in `workflows/` (BPMN scripts reach them through `workflows.script_functions`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import Id, UTCDateTime

from .org import _one_of
from .skp import (
    APPEAL_DECISIONS,
    CAPAIAN,
    DOCUMENTS,
    EXPECTATIONS,
    PREDIKAT_SOURCES,
    PREDIKATS,
    SIGNER_ROLES,
    _fk,
)


class Rating(Base):
    """The appraiser's results and behaviour ratings for a period, and the predikat they propose."""

    __tablename__ = "rating"
    __table_args__ = (
        CheckConstraint(_one_of("hasil_kerja", EXPECTATIONS), name="hasil_kerja"),
        CheckConstraint(_one_of("perilaku", EXPECTATIONS), name="perilaku"),
        CheckConstraint(_one_of("predikat_usulan", PREDIKATS), name="predikat_usulan"),
        Index("ix_rating_skp_period", "skp_id", "period"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id", index=False)
    #: "akhir" for the annual rating, else the period's name (Triwulan I, Juni, Semester I).
    period: Mapped[str] = mapped_column(String(20))
    hasil_kerja: Mapped[str] = mapped_column(String(10))
    perilaku: Mapped[str] = mapped_column(String(10))
    #: For a period, the periodic predikat the matrix derived (the TPP basis); None for a pre-calendar
    #: semester review. Only the annual one ("akhir") opens the predikat history.
    predikat_usulan: Mapped[str | None] = mapped_column(String(20))
    rated_by: Mapped[str] = mapped_column(String(200))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnitRating(Base):
    """A unit's performance rating (capaian kinerja organisasi) for a period; it fixes the curve."""

    __tablename__ = "unit_rating"
    __table_args__ = (CheckConstraint(_one_of("capaian", CAPAIAN), name="capaian"),
                      UniqueConstraint("unit_id", "year", "period"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    unit_id: Mapped[int] = _fk("unit.id", index=False)
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    capaian: Mapped[str] = mapped_column(String(20))
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RatingDetail(Base):
    """One part of an annual rating: an RHK's results rating, or one BerAKHLAK value's behaviour rating."""

    __tablename__ = "rating_detail"
    __table_args__ = (
        CheckConstraint(_one_of("rating", EXPECTATIONS), name="rating"),
        CheckConstraint("(rhk_id IS NULL) <> (value_code IS NULL)", name="rhk_or_value"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    rating_id: Mapped[int] = _fk("rating.id")
    #: The RHK rated (hasil kerja per RHK), or None for a behaviour value.
    rhk_id: Mapped[int | None] = _fk("rhk.id", index=False, nullable=True)
    #: The BerAKHLAK value rated (perilaku per value), or None for an RHK.
    value_code: Mapped[str | None] = mapped_column(String(30))
    rating: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)


class PredikatRecord(Base):
    """One predikat an SKP was given; the history is insert-only and the latest row is current."""

    __tablename__ = "predikat_record"
    __table_args__ = (CheckConstraint(_one_of("predikat", PREDIKATS), name="predikat"),
                      CheckConstraint(_one_of("source", PREDIKAT_SOURCES), name="source"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id")
    predikat: Mapped[str] = mapped_column(String(20))
    #: rating (the appraiser's proposal) | kalibrasi (the unit's curve) | keberatan (an appeal decision)
    source: Mapped[str] = mapped_column(String(10))
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)


class Appeal(Base):
    """An objection (keberatan, PP 30/2019 Ps 59) and the final decision of the appraiser's superior."""

    __tablename__ = "appeal"
    __table_args__ = (
        CheckConstraint(f"decision IS NULL OR {_one_of('decision', APPEAL_DECISIONS)}", name="decision"),
        CheckConstraint(f"new_predikat IS NULL OR {_one_of('new_predikat', PREDIKATS)}", name="new_predikat"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id")
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reasons: Mapped[str] = mapped_column(Text)
    explanation_appraiser: Mapped[str | None] = mapped_column(Text)
    explanation_employee: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(10))
    new_predikat: Mapped[str | None] = mapped_column(String(20))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A changed predikat may break the unit's curve: flagged for the unit leader (DOMAIN.md §5 [U]).
    curve_flag: Mapped[bool] = mapped_column(Boolean, default=False)


class AppealWindow(Base):
    """The objection window opened by a predikat notice (PP 30/2019 Ps 59): from delivery to its last day.

    Publication waits until every member of a calibration group has a closed window (no appeal can still
    change a predikat); a new notice (a follow-up calibration) opens a new window.
    """

    __tablename__ = "appeal_window"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id")
    predikat: Mapped[str] = mapped_column(String(20))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The last day to object (inclusive, WITA).
    last_day: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Signature(Base):
    """A signature of a document version: who, in which role, over which content hash."""

    __tablename__ = "signature"
    __table_args__ = (CheckConstraint(_one_of("document", DOCUMENTS), name="document"),
                      CheckConstraint(_one_of("role", SIGNER_ROLES), name="role"),
                      Index("ix_signature_skp_document", "skp_id", "document"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id", index=False)
    document: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(30))
    signer: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: sha256 of the canonical JSON of the document as signed (engine.audit.canonical).
    content_sha256: Mapped[str] = mapped_column(String(64))


class Consent(Base):
    """An employee's written consent (UU KIP Ps 18) to publish a result, with its text; valid until withdrawn."""

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_employee_year", "employee_id", "year"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    employee_id: Mapped[int] = _fk("employee.id", index=False)
    year: Mapped[int] = mapped_column(Integer)
    #: What may be published, e.g. "publikasi_predikat".
    scope: Mapped[str] = mapped_column(String(50))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The statement the employee agreed to, in their words or the form's.
    text: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The employee's statement withdrawing it.
    revocation_text: Mapped[str | None] = mapped_column(Text)


class Publication(Base):
    """A published unit aggregate: predikat distribution and completion, names only with consent."""

    __tablename__ = "publication"
    __table_args__ = (Index("ix_publication_unit_year", "unit_id", "year"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    unit_id: Mapped[int] = _fk("unit.id", index=False)
    year: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    aggregate: Mapped[dict[str, Any]] = mapped_column(JSON)


class DevelopmentPlan(Base):
    """A development plan after a poor predikat, and how the improvement period ended."""

    __tablename__ = "development_plan"
    __table_args__ = (
        CheckConstraint(_one_of("reason_predikat", PREDIKATS), name="reason_predikat"),
        CheckConstraint("outcome IS NULL OR outcome IN ('membaik', 'tidak_membaik')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id")
    reason_predikat: Mapped[str] = mapped_column(String(20))
    training_recommendation: Mapped[str] = mapped_column(Text)
    competency_targets: Mapped[str] = mapped_column(Text)
    #: End of the improvement period (PP 30/2019 Ps 57: 6 months after Sangat Kurang).
    improvement_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: membaik | tidak_membaik
    outcome: Mapped[str | None] = mapped_column(String(20))
    evaluation_note: Mapped[str | None] = mapped_column(Text)
    #: When and by whom the employee acknowledged the plan (the Pegawai task after it is set).
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))


class TalentPoolEntry(Base):
    """An employee nominated for the talent pool: Sangat Baik two years running (one entry per year)."""

    __tablename__ = "talent_pool_entry"
    __table_args__ = (UniqueConstraint("employee_id", "year"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    employee_id: Mapped[int] = _fk("employee.id", index=False)
    year: Mapped[int] = mapped_column(Integer, index=True)
    #: The SKP whose final predikat made the second Sangat Baik.
    skp_id: Mapped[int] = _fk("skp.id")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
