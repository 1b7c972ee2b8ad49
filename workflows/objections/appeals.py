"""Objections (keberatan, PP 30/2019 Ps 59): filed with reasons, explained by both sides, decided once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock

from ..appraisals.records import RecordInvalid, note, one_of, text
from ..models.org import Position
from ..models.records import Appeal
from ..models.skp import APPEAL_DECISIONS, PREDIKATS, Skp
from ..rating.ratings import change_predikat, current_predikat

#: Who decides an appeal against the ratings of an appraiser who has no superior (the Wali Kota).
SUBSTITUTES = ("sekda", "wali_kota")
#: What an appeal against a predikat lowered at calibration goes to: the calibration, or the superior.
DOWNGRADE_ROUTES = ("kalibrasi_ulang", "atasan")


def open_appeal(session: Session, skp: Skp) -> Appeal | None:
    """Return the SKP's undecided appeal, if any."""
    return session.execute(select(Appeal).where(Appeal.skp_id == skp.id, Appeal.decision.is_(None))
                           .order_by(Appeal.id.desc()).limit(1)).scalar_one_or_none()


def file_appeal(session: Session, skp: Skp, reasons: str, actor: str) -> Appeal:
    """File an objection against the SKP's current predikat; reasons are required (Ps 59(1))."""
    if current_predikat(session, skp) is None:
        raise RecordInvalid(f"SKP {skp.id} has no predikat to object to", skp_id=skp.id)
    if open_appeal(session, skp) is not None:
        raise RecordInvalid(f"SKP {skp.id} already has an undecided objection", skp_id=skp.id)
    appeal = Appeal(skp_id=skp.id, filed_at=clock.now(), reasons=text("alasan", reasons), curve_flag=False)
    session.add(appeal)
    session.flush()
    note(session, "appeal_filed", actor, skp.instance_id, {"skp_id": skp.id, "appeal_id": appeal.id})
    return appeal


def add_explanation(session: Session, appeal: Appeal, side: str, explanation: str, actor: str,
                    instance_id: int | None = None) -> Appeal:
    """Record the appraiser's (penilai) or the employee's (pegawai) explanation of an open appeal."""
    one_of("pihak", side, ("penilai", "pegawai"))
    if appeal.decision is not None:
        raise RecordInvalid(f"appeal {appeal.id} is already decided", appeal_id=appeal.id)
    value = text("penjelasan", explanation)
    if side == "penilai":
        appeal.explanation_appraiser = value
    else:
        appeal.explanation_employee = value
    session.flush()
    note(session, "appeal_explained", actor, instance_id, {"appeal_id": appeal.id, "side": side})
    return appeal


def decide_appeal(session: Session, skp: Skp, decision: str, actor: str, new_predikat: str | None = None,
                  reason: str | None = None) -> Appeal:
    """Decide the open appeal: tetap keeps the predikat, ubah sets new_predikat (final, Ps 59(4))."""
    appeal = open_appeal(session, skp)
    if appeal is None:
        raise RecordInvalid(f"SKP {skp.id} has no undecided objection", skp_id=skp.id)
    one_of("keputusan", decision, APPEAL_DECISIONS)
    before = current_predikat(session, skp)
    if decision == "ubah":
        one_of("predikat_baru", new_predikat, PREDIKATS)
        if before is not None and before.predikat == new_predikat:
            raise RecordInvalid(f"predikat_baru {new_predikat!r} is the current predikat: decide 'tetap'")
    elif new_predikat is not None:
        raise RecordInvalid("predikat_baru is only given with the decision 'ubah'")
    appeal.decision, appeal.new_predikat = decision, new_predikat
    appeal.decided_by, appeal.decided_at = actor, clock.now()
    # A changed predikat may break the unit's distribution; whether it may is unconfirmed, so flag it.
    appeal.curve_flag = decision == "ubah"
    session.flush()
    note(session, "appeal_decided", actor, skp.instance_id, {
        "skp_id": skp.id, "appeal_id": appeal.id, "decision": decision, "new_predikat": new_predikat,
        "reason": reason})
    if decision == "ubah":
        assert new_predikat is not None
        change_predikat(session, skp, new_predikat, "keberatan", actor, reason)
    return appeal


def latest_decided(session: Session, skp: Skp) -> Appeal | None:
    """Return the SKP's most recently decided appeal."""
    return session.execute(select(Appeal).where(Appeal.skp_id == skp.id, Appeal.decision.is_not(None))
                           .order_by(Appeal.id.desc()).limit(1)).scalar_one_or_none()


def record_curve_check(session: Session, appeal: Appeal, violations: list[str], actor: str,
                       instance_id: int | None = None) -> Appeal:
    """Record the re-check of the unit's curve after a changed predikat: flagged when it is violated.

    Flag, not block (the decision is final, Ps 59(4)): the flag and the violations tell the leader and
    BKPSDM that the unit's distribution no longer matches its pattern.
    """
    if appeal.decision != "ubah":
        raise RecordInvalid(f"appeal {appeal.id} did not change the predikat: nothing to re-check",
                            appeal_id=appeal.id)
    appeal.curve_flag = bool(violations)
    session.flush()
    note(session, "appeal_curve_checked", actor, instance_id if instance_id is not None else _instance_of(
        session, appeal), {"appeal_id": appeal.id, "flagged": appeal.curve_flag, "violations": violations})
    return appeal


def record_curve_review(session: Session, appeal: Appeal, action: str, actor: str,
                        instance_id: int | None = None) -> Appeal:
    """Record the unit leader's review of a curve broken by an appeal decision (what the leader will do)."""
    if not appeal.curve_flag:
        raise RecordInvalid(f"appeal {appeal.id} did not break the unit's curve", appeal_id=appeal.id)
    note(session, "appeal_curve_reviewed", actor, instance_id if instance_id is not None else _instance_of(
        session, appeal), {"appeal_id": appeal.id, "tindak_lanjut": text("tindak_lanjut", action)})
    return appeal


def _instance_of(session: Session, appeal: Appeal) -> int | None:
    skp = session.get(Skp, appeal.skp_id)
    return skp.instance_id if skp else None


def choose_decider(session: Session, skp: Skp, penilai_kode: str, atasan_kode: str, predikat_usulan: str | None,
                   pemutus_pengganti: str = "sekda", jalur_penurunan: str = "kalibrasi_ulang",
                   actor: str = "system", instance_id: int | None = None) -> dict[str, Any]:
    """Return who decides the SKP's appeal: never the one who made the contested decision.

    - a predikat lowered at calibration was decided by the calibration unit's leader, not the appraiser:
      the calibration is re-opened for that leader (jalur kalibrasi_ulang) unless the process owner
      routes it to the superior (jalur_penurunan 'atasan');
    - the appraiser with no superior (the Wali Kota rating a JPT: appraiser = his own superior) would
      decide on his own rating: the Sekda decides instead (pemutus_pengganti 'sekda'), or, for the
      Sekda's own appeal, the Wali Kota as PPK.
    Every substitution is audited with its reason.
    """
    one_of("pemutus_pengganti", pemutus_pengganti, SUBSTITUTES)
    one_of("jalur_penurunan", jalur_penurunan, DOWNGRADE_ROUTES)
    current = current_predikat(session, skp)
    route, reason = "atasan", None
    decider: str | None = atasan_kode
    if (current is not None and predikat_usulan in PREDIKATS
            and PREDIKATS.index(current.predikat) > PREDIKATS.index(predikat_usulan)
            and jalur_penurunan == "kalibrasi_ulang"):
        route, decider = "kalibrasi_ulang", None
        reason = (f"Predikat diturunkan pada kalibrasi ({predikat_usulan} menjadi {current.predikat}): "
                  "keberatan dikembalikan kepada pimpinan unit kalibrasi untuk ditinjau ulang.")
    elif atasan_kode == penilai_kode:
        sekda = session.execute(select(Position).where(Position.kind == "sekda")
                                .order_by(Position.id).limit(1)).scalar_one_or_none()
        own = skp.position_id is not None and sekda is not None and sekda.id == skp.position_id
        if pemutus_pengganti == "sekda" and sekda is not None and not own:
            route, decider = "pengganti", sekda.code
            reason = (f"Pejabat penilai ({penilai_kode}) tidak memiliki atasan dan akan memutus keberatan atas "
                      f"penilaiannya sendiri: keberatan diputus oleh Sekda ({sekda.code}).")
    if reason is not None:
        note(session, "appeal_decider_substituted", actor, instance_id, {
            "skp_id": skp.id, "jalur": route, "atasan_pejabat_penilai": atasan_kode,
            "pemutus": decider, "alasan": reason})
    return {"jalur_keberatan": route, "jabatan_pemutus_keberatan_kode": decider, "alasan_pengganti": reason}
