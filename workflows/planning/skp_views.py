"""The SKP as people see it: the plan in the editor's shape, the superior's RHK, the content signed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.org import Employee, Position, Unit
from ..models.skp import BehaviourExpectation, Iki, Rhk, Skp, SkpAnnex


def plan_of(session: Session, skp: Skp) -> dict[str, Any]:
    """Return the stored plan in the skp_editor's shape, with the RHK and IKI ids (prefill and review)."""
    rhk = []
    for item in session.execute(select(Rhk).where(Rhk.skp_id == skp.id).order_by(Rhk.id)).scalars():
        indicators = [{"id": k.id, "uraian": k.text, "target": k.target, "satuan": k.unit, "aspek": k.aspect}
                      for k in session.execute(select(Iki).where(Iki.rhk_id == item.id).order_by(Iki.id)).scalars()]
        entry: dict[str, Any] = {"id": item.id, "jenis": item.kind, "uraian": item.text, "iki": indicators,
                                 "rhk_atasan_id": item.parent_rhk_id}
        if item.no_intervention_reason:
            entry["alasan_tanpa_intervensi"] = item.no_intervention_reason
        if item.perspective:
            entry["perspektif"] = item.perspective
        rhk.append(entry)
    perilaku = dict(session.execute(select(BehaviourExpectation.value_code, BehaviourExpectation.expectation)
                                    .where(BehaviourExpectation.skp_id == skp.id)
                                    .order_by(BehaviourExpectation.value_code)).all())
    lampiran = dict(session.execute(select(SkpAnnex.kind, SkpAnnex.text).where(SkpAnnex.skp_id == skp.id)
                                    .order_by(SkpAnnex.kind)).all())
    return {"pendekatan": skp.approach, "rhk": rhk, "perilaku": perilaku, "lampiran": lampiran}


def superior_skp(session: Session, skp: Skp) -> Skp | None:
    """Return the appraiser position's SKP of the same year, once submitted or agreed (the cascade's source)."""
    if skp.appraiser_position_id is None:
        return None
    return session.execute(select(Skp).where(Skp.position_id == skp.appraiser_position_id, Skp.year == skp.year,
                                             Skp.status.in_(("diajukan", "disetujui")))
                           .order_by(Skp.id.desc()).limit(1)).scalar_one_or_none()


def superior_rhk(session: Session, skp: Skp) -> list[dict[str, Any]]:
    """Return the RHK of the superior's SKP a staff RHK can intervene on: [{id, uraian}]."""
    source = superior_skp(session, skp)
    if source is None:
        return []
    return [{"id": r.id, "uraian": r.text} for r in
            session.execute(select(Rhk).where(Rhk.skp_id == source.id).order_by(Rhk.id)).scalars()]


def _position(session: Session, position_id: int | None) -> dict[str, Any] | None:
    position = session.get(Position, position_id) if position_id is not None else None
    return {"kode": position.code, "nama": position.name} if position else None


def document_header(session: Session, skp: Skp, kind: str) -> dict[str, Any]:
    """Return what every signed document of an SKP starts with: kind, year, period, the people, the unit."""
    employee, unit = session.get(Employee, skp.employee_id), session.get(Unit, skp.unit_id)
    assert employee is not None and unit is not None
    return {
        "dokumen": kind, "skp_id": skp.id, "tahun": skp.year,
        "periode": [skp.period_start.isoformat(), skp.period_end.isoformat()],
        "pegawai": {"nip": employee.nip, "nama": employee.name, "jabatan": _position(session, skp.position_id)},
        "unit": {"kode": unit.code, "nama": unit.name},
        "pejabat_penilai": _position(session, skp.appraiser_position_id),
        "atasan_pejabat_penilai": _position(session, skp.appraiser_superior_position_id),
    }


def skp_document(session: Session, skp: Skp) -> dict[str, Any]:
    """Return the SKP as agreed and signed: header snapshots and the plan (RHK, IKI, targets, perilaku, lampiran)."""
    return {**document_header(session, skp, "skp"), "rencana": plan_of(session, skp)}


#: Position kinds of the Jabatan Pimpinan Tinggi, whose SKP the Kepala Daerah sets (DOMAIN.md §2.3).
JPT_KINDS = ("sekda", "jpt_pratama")


def set_by_wali_kota(session: Session, skp: Skp) -> bool:
    """Whether a JPT's SKP needs the Wali Kota's setting after its appraiser (not the Wali Kota) agreed it."""
    position = session.get(Position, skp.position_id)
    appraiser = session.get(Position, skp.appraiser_position_id) if skp.appraiser_position_id else None
    return (position is not None and position.kind in JPT_KINDS and appraiser is not None
            and appraiser.kind != "wali_kota")
