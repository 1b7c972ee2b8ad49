"""Objections (keberatan, PP 30/2019 Ps 59): filed with reasons, explained by both sides, decided once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock

from .models.records import Appeal
from .models.skp import APPEAL_DECISIONS, PREDIKATS, Skp
from .ratings import change_predikat, current_predikat
from .records import RecordInvalid, note, one_of, text


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


def _instance_of(session: Session, appeal: Appeal) -> int | None:
    skp = session.get(Skp, appeal.skp_id)
    return skp.instance_id if skp else None
