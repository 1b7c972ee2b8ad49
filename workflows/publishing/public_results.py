"""What the public pages show of the published results: the latest publication per unit and year.

Only `Publication` rows are read, so nothing appears before a group is published, and only what
`publication.disclosure` let through at that time. A name published with consent is shown only while
that consent is still valid: a withdrawn consent takes the name off the page (taking a name away never
reveals anyone else's predikat).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models.org import Employee, Unit
from ..models.records import Consent, Publication
from ..models.skp import PREDIKATS
from .consent import PUBLICATION_SCOPE


@dataclass
class PublishedUnit:
    """A unit's latest publication of a year, as the public may see it."""

    code: str
    name: str
    year: int
    published_at: datetime
    version: int
    employees: int
    rated: int
    #: Count per predikat in PREDIKATS order, or None when withheld.
    distribution: dict[str, int] | None
    #: Why something is withheld: "kelompok_kecil", "dapat_disimpulkan" or None.
    withheld: str | None
    capaian_unit: str | None
    #: (name, predikat) of consenting employees, by name.
    individuals: list[tuple[str, str]] = field(default_factory=list)


def published_years(session: Session) -> list[int]:
    """Return the years with at least one publication, latest first."""
    return list(session.execute(select(Publication.year).distinct().order_by(Publication.year.desc())).scalars())


def _latest_ids(session: Session, tahun: int) -> list[int]:
    latest = (select(func.max(Publication.id)).where(Publication.year == tahun)
              .group_by(Publication.unit_id))
    return list(session.execute(latest).scalars())


def _consenting_nips(session: Session, nips: set[str], tahun: int) -> set[str]:
    return set(session.execute(select(Employee.nip).join(Consent, Consent.employee_id == Employee.id).where(
        Employee.nip.in_(nips), Consent.year == tahun, Consent.scope == PUBLICATION_SCOPE,
        Consent.revoked_at.is_(None))).scalars())


def published_units(session: Session, tahun: int) -> list[PublishedUnit]:
    """Return every unit's latest publication of the year, by unit name."""
    rows = session.execute(select(Publication, Unit).join(Unit, Unit.id == Publication.unit_id)
                           .where(Publication.id.in_(_latest_ids(session, tahun)))).all()
    nips = {i["nip"] for publication, _ in rows for i in publication.aggregate.get("individu") or []}
    consenting = _consenting_nips(session, nips, tahun) if nips else set()
    found = [_public_view(publication, unit, consenting) for publication, unit in rows]
    return sorted(found, key=lambda p: p.name)


def published_unit(session: Session, tahun: int, code: str) -> PublishedUnit | None:
    """Return a unit's latest publication of the year, or None when it has none."""
    return next((p for p in published_units(session, tahun) if p.code == code), None)


def _public_view(publication: Publication, unit: Unit, consenting: set[str]) -> PublishedUnit:
    """Keep what the public may see of a stored aggregate: no NIP, names only with a valid consent."""
    data: dict[str, Any] = publication.aggregate
    cells = data.get("distribusi")
    distribution = {p: int(cells.get(p, 0)) for p in PREDIKATS} if cells is not None else None
    individuals = sorted((i["nama"], i["predikat"]) for i in data.get("individu") or [] if i["nip"] in consenting)
    return PublishedUnit(code=unit.code, name=unit.name, year=publication.year,
                         published_at=publication.published_at, version=int(data.get("versi", 1)),
                         employees=int(data.get("jumlah_pegawai", 0)), rated=int(data.get("jumlah_dinilai", 0)),
                         distribution=distribution, withheld=data.get("ditahan"),
                         capaian_unit=data.get("capaian_unit"), individuals=individuals)
