"""The evaluation document and its signatures, and the publication of unit aggregates."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import canonical
from engine.clock import clock

from ..appraisals.records import note, one_of, text
from ..models.org import Unit
from ..models.records import Publication, Rating, Signature
from ..models.skp import DOCUMENTS, SIGNER_ROLES, Iki, Realisation, Skp
from ..planning.skp_views import document_header, skp_document
from ..rating.ratings import current_predikat, rating_details, unit_rating

# Consent lives in .consent; re-exported for the callers that knew it here.
from .consent import PUBLICATION_SCOPE as PUBLICATION_SCOPE
from .consent import give_consent as give_consent
from .consent import revoke_consent as revoke_consent
from .consent import valid_consent as valid_consent


def evaluation_document(session: Session, skp: Skp) -> dict[str, Any]:
    """Return the Dokumen Evaluasi Kinerja of an SKP as plain data, built from the records."""
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
        **document_header(session, skp, "dokumen_evaluasi"),
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
        content = skp_document(session, skp)  # the plan as agreed, without realisations or ratings
    signature = Signature(skp_id=skp.id, document=document, role=role, signer=text("penanda_tangan", signer),
                          signed_at=clock.now(), content_sha256=document_hash(content))
    session.add(signature)
    session.flush()
    note(session, "document_signed", signer, skp.instance_id, {
        "skp_id": skp.id, "document": document, "role": role, "sha256": signature.content_sha256})
    return signature


def publish_unit(session: Session, unit: Unit, tahun: int, actor: str, instance_id: int | None = None,
                 final: dict[str, str] | None = None, min_size: int | None = None) -> Publication:
    """Publish a new version of a group's aggregate (see `workflows.publishing.publication`).

    ``final`` (NIP → predikat) overrides the predikat on record of those employees' SKPs; NIPs without
    an SKP of the group in the year are ignored. Small or deducible cells are withheld (min_size).
    """
    from . import publication  # publication imports this module

    return publication.publish(session, unit, tahun, actor, instance_id, final,
                               publication.MIN_KELOMPOK_PUBLIKASI if min_size is None else min_size)
