"""SKP records: the plan (SKP, RHK, IKI, behaviour expectations, lampiran) and its monitoring.

Reports and auditors query these without loading a workflow; results (ratings, predikat, appeals,
documents) are in `records.py`. Enumerations shared by both live here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base
from engine.models import Id, UTCDateTime

from .org import _one_of

SKP_STATUSES = ("draft", "diajukan", "dikembalikan", "disetujui", "ditutup")
APPROACHES = ("kuantitatif", "kualitatif")
RHK_KINDS = ("utama", "tambahan")
ASPECTS = ("kuantitas", "kualitas", "waktu", "biaya")
#: The 7 BerAKHLAK core values (DOMAIN.md §3.2), as the peer-feedback form names them.
BERAKHLAK = ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif")
ANNEX_KINDS = ("dukungan_sumber_daya", "skema_pertanggungjawaban", "konsekuensi")
RATER_RELATIONS = ("peer", "subordinate", "public", "self")
#: Results and behaviour ratings (DOMAIN.md §3.1–§3.2), as predikat_kinerja.dmn reads them.
EXPECTATIONS = ("di_atas", "sesuai", "di_bawah")
PREDIKATS = ("sangat_baik", "baik", "butuh_perbaikan", "kurang_misconduct", "sangat_kurang")
#: Unit ratings (capaian kinerja organisasi, DOMAIN.md §3.4).
CAPAIAN = ("istimewa", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")
PREDIKAT_SOURCES = ("rating", "kalibrasi", "keberatan")
APPEAL_DECISIONS = ("tetap", "ubah")
DOCUMENTS = ("skp", "dokumen_evaluasi")
SIGNER_ROLES = ("pegawai", "pejabat_penilai", "atasan_pejabat_penilai")


def _fk(target: str, index: bool = True, nullable: bool = False) -> Any:
    return mapped_column(Id, ForeignKey(target), index=index, nullable=nullable)


class Skp(Base):
    """An employee's performance plan (Sasaran Kinerja Pegawai) for a year, with header snapshots."""

    __tablename__ = "skp"
    __table_args__ = (
        UniqueConstraint("employee_id", "year", "period_start"),
        CheckConstraint(_one_of("status", SKP_STATUSES), name="status"),
        CheckConstraint(_one_of("approach", APPROACHES), name="approach"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    employee_id: Mapped[int] = _fk("employee.id", index=False)
    year: Mapped[int] = mapped_column(Integer, index=True)
    #: Position and unit when the SKP was opened: a later transfer opens a new SKP, it does not edit this.
    position_id: Mapped[int] = _fk("position.id", index=False)
    unit_id: Mapped[int] = _fk("unit.id")
    appraiser_position_id: Mapped[int | None] = _fk("position.id", index=False, nullable=True)
    appraiser_superior_position_id: Mapped[int | None] = _fk("position.id", index=False, nullable=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    approach: Mapped[str] = mapped_column(String(20), default="kuantitatif")
    #: The engine instance (siklus_kinerja) the SKP belongs to; None for SKPs made outside a process.
    instance_id: Mapped[int | None] = _fk("instance.id", nullable=True)
    #: Why a ditutup SKP was closed early (transfer, leave...).
    closed_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    rhk: Mapped[list[Rhk]] = relationship(back_populates="skp", order_by="Rhk.id")


class Rhk(Base):
    """A planned result (Rencana Hasil Kerja), cascading from an RHK of the superior's SKP."""

    __tablename__ = "rhk"
    __table_args__ = (CheckConstraint(_one_of("kind", RHK_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id")
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    #: The superior's RHK this one intervenes on (RHK pimpinan yang diintervensi).
    parent_rhk_id: Mapped[int | None] = _fk("rhk.id", nullable=True)
    #: Why the RHK intervenes on none of the superior's RHK (alasan_tanpa_intervensi).
    no_intervention_reason: Mapped[str | None] = mapped_column(Text)
    #: JPT SKPs only, e.g. "Penerima Layanan".
    perspective: Mapped[str | None] = mapped_column(String(100))

    skp: Mapped[Skp] = relationship(back_populates="rhk")
    iki: Mapped[list[Iki]] = relationship(order_by="Iki.id")


class Iki(Base):
    """An individual performance indicator (Indikator Kinerja Individu) of an RHK, with its target."""

    __tablename__ = "iki"
    __table_args__ = (CheckConstraint(_one_of("aspect", ASPECTS), name="aspect"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    rhk_id: Mapped[int] = _fk("rhk.id")
    text: Mapped[str] = mapped_column(Text)
    #: Text, not a number: kualitatif targets are narratives and units vary ("100", "Desember").
    target: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(50))
    aspect: Mapped[str] = mapped_column(String(10), default="kuantitas")


class BehaviourExpectation(Base):
    """The leader's specific expectation (ekspektasi khusus pimpinan) for one BerAKHLAK value."""

    __tablename__ = "behaviour_expectation"
    __table_args__ = (CheckConstraint(_one_of("value_code", BERAKHLAK), name="value_code"),
                      UniqueConstraint("skp_id", "value_code"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id", index=False)
    value_code: Mapped[str] = mapped_column(String(30))
    expectation: Mapped[str] = mapped_column(Text)


class SkpAnnex(Base):
    """A lampiran of the SKP: resource support, accountability scheme or consequences (Ps 11–13)."""

    __tablename__ = "skp_annex"
    __table_args__ = (CheckConstraint(_one_of("kind", ANNEX_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id")
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)


class Realisation(Base):
    """What was achieved on an IKI in a period, with its evidence (bukti dukung) link."""

    __tablename__ = "realisation"
    __table_args__ = (Index("ix_realisation_iki_period", "iki_id", "period"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    iki_id: Mapped[int] = _fk("iki.id", index=False)
    #: Period label as the agency defines it, e.g. "1" (first quarter), "2027-03", "akhir".
    period: Mapped[str] = mapped_column(String(20))
    #: None when the employee explains in `note` why there is no value for the period.
    value: Mapped[str | None] = mapped_column(String(200))
    evidence_url: Mapped[str | None] = mapped_column(String(1000))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Feedback(Base):
    """Continuous feedback (umpan balik berkelanjutan) on an RHK, a BerAKHLAK value or the SKP."""

    __tablename__ = "feedback"
    __table_args__ = (CheckConstraint(f"value_code IS NULL OR {_one_of('value_code', BERAKHLAK)}",
                                      name="value_code"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id")
    rhk_id: Mapped[int | None] = _fk("rhk.id", index=False, nullable=True)
    value_code: Mapped[str | None] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    author_employee_id: Mapped[int | None] = _fk("employee.id", index=False, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CoachingSession(Base):
    """A coaching or counselling session with the employee's B.1.8 and the coach's B.1.9 forms."""

    __tablename__ = "coaching_session"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id")
    held_on: Mapped[date] = mapped_column(Date)
    #: The leader or the party given the special assignment (name or NIP).
    coach: Mapped[str] = mapped_column(String(200))
    #: bimbingan (performance coaching), konseling (counselling) or mentoring.
    kind: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    #: The follow-up the coach and the employee agreed on.
    follow_up: Mapped[str | None] = mapped_column(Text)
    #: Format B.1.8: the employee's scores about the session, {item: 1–5}.
    b18: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Format B.1.9: competency scores 1–5 with reasons.
    b19: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RaterResponse(Base):
    """One multi-rater answer (advisory only); reports show aggregates, never a single rater."""

    __tablename__ = "rater_response"
    __table_args__ = (CheckConstraint(_one_of("relation", RATER_RELATIONS), name="relation"),
                      UniqueConstraint("skp_id", "rater_nip"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    skp_id: Mapped[int] = _fk("skp.id", index=False)
    rater_nip: Mapped[str] = mapped_column(String(18))
    relation: Mapped[str] = mapped_column(String(15))
    #: {BerAKHLAK value: 1–5}.
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
