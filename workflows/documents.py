"""The evaluation document and its signatures, consents, and the publication of unit aggregates."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import canonical
from engine.clock import clock

from . import calibration_units
from .models.org import Employee, Position, Unit
from .models.records import Consent, Publication, Rating, Signature
from .models.skp import DOCUMENTS, PREDIKATS, SIGNER_ROLES, Iki, Realisation, Skp
from .ratings import current_predikat, employee_of, final_predikats, rating_details, unit_rating
from .records import RecordInvalid, note, one_of, text, year

#: The consent scope that lets an individual predikat be published (UU KIP Ps 18).
PUBLICATION_SCOPE = "publikasi_predikat"


def _position(session: Session, position_id: int | None) -> dict[str, Any] | None:
    position = session.get(Position, position_id) if position_id is not None else None
    return {"kode": position.code, "nama": position.name} if position else None


def evaluation_document(session: Session, skp: Skp) -> dict[str, Any]:
    """Return the Dokumen Evaluasi Kinerja of an SKP as plain data, built from the records."""
    employee, unit = employee_of(session, skp), session.get(Unit, skp.unit_id)
    assert unit is not None
    rating = session.execute(select(Rating).where(Rating.skp_id == skp.id, Rating.period == "akhir")
                             .order_by(Rating.id.desc()).limit(1)).scalar_one_or_none()
    capaian, predikat = unit_rating(session, skp.unit_id, skp.year), current_predikat(session, skp)
    details = rating_details(session, rating) if rating else []
    per_rhk = {d.rhk_id: d.rating for d in details if d.rhk_id is not None}
    rhk = []
    for item in skp.rhk:
        indicators = []
        for iki in session.execute(select(Iki).where(Iki.rhk_id == item.id).order_by(Iki.id)).scalars():
            done = session.execute(select(Realisation.period, Realisation.value).where(Realisation.iki_id == iki.id)
                                   .order_by(Realisation.id)).all()
            indicators.append({"uraian": iki.text, "target": iki.target, "satuan": iki.unit,
                               "realisasi": [{"periode": p, "nilai": v} for p, v in done]})
        rhk.append({"jenis": item.kind, "uraian": item.text, "iki": indicators, "rating": per_rhk.get(item.id)})
    return {
        "dokumen": "dokumen_evaluasi", "skp_id": skp.id, "tahun": skp.year,
        "periode": [skp.period_start.isoformat(), skp.period_end.isoformat()],
        "pegawai": {"nip": employee.nip, "nama": employee.name, "jabatan": _position(session, skp.position_id)},
        "unit": {"kode": unit.code, "nama": unit.name},
        "pejabat_penilai": _position(session, skp.appraiser_position_id),
        "atasan_pejabat_penilai": _position(session, skp.appraiser_superior_position_id),
        "capaian_kinerja_organisasi": capaian.capaian if capaian else None,
        "hasil_kerja": rating.hasil_kerja if rating else None, "perilaku": rating.perilaku if rating else None,
        "perilaku_rinci": {d.value_code: d.rating for d in details if d.value_code is not None},
        "predikat": predikat.predikat if predikat else None, "rhk": rhk,
    }


def document_hash(document: dict[str, Any]) -> str:
    """Return the sha256 of a document's canonical JSON (what a signature covers)."""
    return hashlib.sha256(canonical(document).encode("utf-8")).hexdigest()


def sign(session: Session, skp: Skp, document: str, role: str, signer: str) -> Signature:
    """Sign the current content of an SKP document in a role; return the signature with its hash."""
    one_of("dokumen", document, DOCUMENTS)
    one_of("peran", role, SIGNER_ROLES)
    if document == "dokumen_evaluasi":
        content = evaluation_document(session, skp)
    else:
        content = {**evaluation_document(session, skp), "dokumen": "skp", "predikat": None, "hasil_kerja": None,
                   "perilaku": None, "capaian_kinerja_organisasi": None, "perilaku_rinci": {}}
        content["rhk"] = [{**item, "rating": None} for item in content["rhk"]]
    signature = Signature(skp_id=skp.id, document=document, role=role, signer=text("penanda_tangan", signer),
                          signed_at=clock.now(), content_sha256=document_hash(content))
    session.add(signature)
    session.flush()
    note(session, "document_signed", signer, skp.instance_id, {
        "skp_id": skp.id, "document": document, "role": role, "sha256": signature.content_sha256})
    return signature


def give_consent(session: Session, employee: Employee, tahun: int, actor: str,
                 scope: str = PUBLICATION_SCOPE) -> Consent:
    """Record the employee's consent to publish their result of a year (kept until revoked)."""
    consent = valid_consent(session, employee, year(tahun), scope)
    if consent is not None:
        return consent
    consent = Consent(employee_id=employee.id, year=tahun, scope=text("lingkup", scope, max_length=50),
                      given_at=clock.now())
    session.add(consent)
    session.flush()
    note(session, "consent_given", actor, None, {"nip": employee.nip, "tahun": tahun, "scope": scope})
    return consent


def revoke_consent(session: Session, employee: Employee, tahun: int, actor: str,
                   scope: str = PUBLICATION_SCOPE) -> Consent:
    """Revoke the employee's valid consent of a year (UU PDP: consent may be withdrawn)."""
    consent = valid_consent(session, employee, tahun, scope)
    if consent is None:
        raise RecordInvalid(f"{employee.nip} has no valid consent {scope!r} for {tahun}", nip=employee.nip)
    consent.revoked_at = clock.now()
    session.flush()
    note(session, "consent_revoked", actor, None, {"nip": employee.nip, "tahun": tahun, "scope": scope})
    return consent


def valid_consent(session: Session, employee: Employee, tahun: int, scope: str = PUBLICATION_SCOPE
                  ) -> Consent | None:
    """Return the employee's unrevoked consent of a year and scope, if any."""
    return session.execute(select(Consent).where(
        Consent.employee_id == employee.id, Consent.year == tahun, Consent.scope == scope,
        Consent.revoked_at.is_(None)).order_by(Consent.id.desc()).limit(1)).scalar_one_or_none()


def publish_unit(session: Session, unit: Unit, tahun: int, actor: str, instance_id: int | None = None,
                 final: dict[str, str] | None = None) -> Publication:
    """Publish a unit's aggregate: predikat counts, completion, and names only of consenting employees.

    ``final`` (NIP → predikat) is the calibration's final mapping: it overrides the predikat on record of
    those employees' SKPs, because the calibration publishes before the cycles have recorded its
    adjustments. NIPs without an SKP of the unit in the year are ignored. Without it the records count.
    """
    tahun = year(tahun)
    overrides = {}
    for nip, predikat in (final or {}).items():
        overrides[str(nip)] = one_of("predikat", predikat, PREDIKATS)
    covered = calibration_units.covered_unit_ids(session, unit)  # an OPD publishes with its sub-units
    skps = list(session.execute(select(Skp).where(Skp.unit_id.in_(covered), Skp.year == tahun,
                                                  Skp.status != "ditutup").order_by(Skp.id)).scalars())
    finals = final_predikats(session, unit, tahun)
    capaian = unit_rating(session, unit.id, tahun)
    individual = []
    counts = dict.fromkeys(PREDIKATS, 0)
    rated = 0
    for skp in skps:
        employee = employee_of(session, skp)
        predikat = overrides.get(employee.nip, finals.get(skp.id))
        if predikat is None:
            continue
        rated += 1
        counts[predikat] += 1
        if valid_consent(session, employee, tahun) is not None:
            individual.append({"nip": employee.nip, "nama": employee.name, "predikat": predikat})
    aggregate = {"unit": unit.code, "tahun": tahun, "capaian_unit": capaian.capaian if capaian else None,
                 "jumlah_pegawai": len(skps), "jumlah_dinilai": rated,
                 "jumlah_belum_dinilai": len(skps) - rated, "distribusi": counts,
                 "individu": individual}
    publication = Publication(unit_id=unit.id, year=tahun, published_at=clock.now(), aggregate=aggregate)
    session.add(publication)
    session.flush()
    note(session, "result_published", actor, instance_id, {
        "unit": unit.code, "tahun": tahun, "publication_id": publication.id, "individuals": len(individual)})
    return publication
