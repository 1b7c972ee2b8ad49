"""Organisation tables: units, positions (jabatan), employees, their history, acting officials and accounts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from engine.db import Base
from engine.models import Id, UTCDateTime

UNIT_KINDS = ("pemkot", "dinas", "badan", "inspektorat", "sekretariat", "kecamatan",
              "bidang", "bagian", "seksi", "kelurahan", "uptd")
#: Unit kinds that form an OPD (perangkat daerah) directly below the city government.
OPD_KINDS = ("dinas", "badan", "inspektorat", "sekretariat", "kecamatan")
POSITION_KINDS = ("wali_kota", "sekda", "jpt_pratama", "administrator", "pengawas", "pelaksana", "fungsional")
#: Position kinds that may appraise (DOMAIN.md §2.6: the appraiser is at least a Pengawas).
STRUCTURAL_KINDS = ("wali_kota", "sekda", "jpt_pratama", "administrator", "pengawas")
EMPLOYEE_KINDS = ("pns", "pppk")
STATUSES = ("aktif", "cltn", "diberhentikan_sementara", "tugas_belajar", "mpp", "pensiun", "berhenti")
GENDERS = ("L", "P")
ACTING_KINDS = ("plt", "plh")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Unit(Base):
    """An organisation unit (unit organisasi, unor): the city government, an OPD or a sub-unit."""

    __tablename__ = "unit"
    __table_args__ = (CheckConstraint(_one_of("kind", UNIT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: Stable code from SIASN/SIMPEG (kode unor); the import upserts on it.
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    #: The position that leads the unit; use_alter breaks the unit <-> position cycle, and a
    #: removed position just leaves the unit headless.
    head_position_id: Mapped[int | None] = mapped_column(
        ForeignKey("position.id", use_alter=True, ondelete="SET NULL"))
    #: Serves the public directly (kelurahan, puskesmas, Disdukcapil...): relevant for the unit rating.
    public_service: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Monitoring periods the agency chose (bulanan, triwulanan, semesteran); None: as the unit above it.
    jenis_periode: Mapped[str | None] = mapped_column(String(12))
    #: Its predikat are calibrated on their own (a large UPTD, a kecamatan) instead of with the OPD above.
    calibration_unit: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    head_position: Mapped[Position | None] = relationship(foreign_keys=[head_position_id], post_update=True)


class Position(Base):
    """A position (jabatan) in a unit, with the position it reports to."""

    __tablename__ = "position"
    __table_args__ = (CheckConstraint(_one_of("kind", POSITION_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    #: The direct superior's position; None only for the Wali Kota.
    reports_to_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"), index=True)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    reports_to: Mapped[Position | None] = relationship(remote_side=[id])


class Employee(Base):
    """A civil servant: PNS (18-digit NIP) or PPPK (18-digit NI PPPK)."""

    __tablename__ = "employee"
    __table_args__ = (
        CheckConstraint(_one_of("kind", EMPLOYEE_KINDS), name="kind"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        CheckConstraint(_one_of("gender", GENDERS), name="gender"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: NIP for PNS, NI PPPK for PPPK; also the employee's username.
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: pns | pppk
    kind: Mapped[str] = mapped_column(String(10))
    #: The current position; kept in step with the open position_assignment by `workflows.organisation.org.transfer`.
    position_id: Mapped[int | None] = mapped_column(ForeignKey("position.id"), index=True)
    #: aktif, or why there is no appraisal cycle: cltn (cuti di luar tanggungan negara),
    #: diberhentikan_sementara, tugas_belajar, mpp (masa persiapan pensiun), pensiun, berhenti.
    status: Mapped[str] = mapped_column(String(30), default="aktif")
    #: L (laki-laki) | P (perempuan), digit 15 of the NIP says 1 | 2.
    gender: Mapped[str] = mapped_column(String(1))
    email: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    position: Mapped[Position | None] = relationship()


class PositionAssignment(Base):
    """Who held which position from when to when: a mid-year transfer keeps earlier records."""

    __tablename__ = "position_assignment"
    __table_args__ = (Index("ix_position_assignment_position_started", "position_id", "started_on"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"))
    #: First day in the position (TMT jabatan).
    started_on: Mapped[date] = mapped_column(Date)
    #: Last day in the position (inclusive); None while current.
    ended_on: Mapped[date | None] = mapped_column(Date)

    employee: Mapped[Employee] = relationship()
    position: Mapped[Position] = relationship()


class ActingAssignment(Base):
    """A Plt (vacant post) or Plh (holder absent) appointment: while valid, the position's tasks go here."""

    __tablename__ = "acting_assignment"
    __table_args__ = (
        CheckConstraint(_one_of("kind", ACTING_KINDS), name="kind"),
        Index("ix_acting_assignment_position_starts", "position_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    #: plt (pelaksana tugas) | plh (pelaksana harian)
    kind: Mapped[str] = mapped_column(String(3))
    starts_on: Mapped[date] = mapped_column(Date)
    #: Last valid day (inclusive).
    ends_on: Mapped[date] = mapped_column(Date)
    #: The decree (surat perintah) or cause, e.g. "Kepala Dinas cuti".
    reason: Mapped[str] = mapped_column(Text)

    position: Mapped[Position] = relationship()
    employee: Mapped[Employee] = relationship()


class UserAccount(Base):
    """A sign-in account: an employee (username = NIP) or a staff account with roles."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    #: werkzeug hash (scrypt/pbkdf2 with salt), never the password.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Role names, e.g. ["pengelola_kinerja"], ["inspektorat"], ["admin"], ["wali_kota"].
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: OPD code the roles are limited to (a pengelola_kinerja of one OPD); None = the whole city.
    scope_unit_code: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: A demo or temporary password: every page leads to the password change until a new one is chosen.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    employee: Mapped[Employee | None] = relationship()

    def set_password(self, password: str) -> None:
        """Store a salted hash of password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Return whether password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def groups(self) -> list[str]:
        """Return the inbox candidate groups of the account: `role` or `role:<scope unit code>`."""
        return [f"{role}:{self.scope_unit_code}" if self.scope_unit_code else role for role in self.roles]


class ApiToken(Base):
    """A bearer token of the JSON API: it acts as its account; only the SHA-256 of the secret is kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: What the token is for ("SIASN sync", "laptop script"), shown in the list.
    name: Mapped[str] = mapped_column(String(100))
    #: Hex SHA-256 of the secret: a stolen database gives no usable token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    account: Mapped[UserAccount] = relationship()
