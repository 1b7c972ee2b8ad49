"""Ratings, the predikat and its history, unit ratings and distributions, multi-rater answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.clock import clock

from ..appraisals.records import RecordInvalid, note, one_of, text, year
from ..calibration import calibration_units
from ..models.org import Employee, Position, Unit
from ..models.records import PredikatRecord, Rating, RatingDetail, UnitRating
from ..models.skp import (
    BERAKHLAK,
    CAPAIAN,
    EXPECTATIONS,
    PREDIKAT_SOURCES,
    PREDIKATS,
    RATER_RELATIONS,
    RaterResponse,
    Rhk,
    Skp,
)
from ..organisation import org


def record_rating(session: Session, skp: Skp, hasil_kerja: str, perilaku: str, predikat_usulan: str | None,
                  actor: str, period: str = "akhir", *, per_rhk: list[dict[str, Any]] | None = None,
                  per_value: dict[str, Any] | None = None) -> Rating:
    """Record the appraiser's ratings and proposed predikat; the annual proposal opens the predikat history.

    A periodic rating carries its derived periodic predikat (or none, for a pre-calendar semester review);
    the annual rating (period "akhir") must have one, and only it starts the predikat history.
    per_rhk ([{rhk_id, rating, catatan}]) and per_value ({BerAKHLAK value: rating}) are the parts the
    overall ratings summarise; each becomes a `rating_detail` row.
    """
    if skp.status == "ditutup":
        raise RecordInvalid(f"SKP {skp.id} is closed", skp_id=skp.id)
    if predikat_usulan is not None or period == "akhir":
        one_of("predikat_usulan", predikat_usulan, PREDIKATS)
    rating = Rating(skp_id=skp.id, period=text("periode", period, max_length=20),
                    hasil_kerja=one_of("hasil_kerja", hasil_kerja, EXPECTATIONS),
                    perilaku=one_of("perilaku", perilaku, EXPECTATIONS),
                    predikat_usulan=predikat_usulan,
                    rated_by=actor, rated_at=clock.now())
    session.add(rating)
    session.flush()
    _add_details(session, skp, rating, per_rhk or [], per_value or {})
    note(session, "rating_recorded", actor, skp.instance_id, {
        "skp_id": skp.id, "rating_id": rating.id, "period": rating.period, "hasil_kerja": hasil_kerja,
        "perilaku": perilaku, "predikat_usulan": predikat_usulan})
    if rating.period == "akhir" and predikat_usulan is not None:
        change_predikat(session, skp, predikat_usulan, "rating", actor)
    return rating


def _add_details(session: Session, skp: Skp, rating: Rating, per_rhk: list[dict[str, Any]],
                 per_value: dict[str, Any]) -> None:
    own = set(session.execute(select(Rhk.id).where(Rhk.skp_id == skp.id)).scalars())
    for i, item in enumerate(per_rhk):
        if not isinstance(item, dict) or item.get("rhk_id") not in own:
            raise RecordInvalid(f"penilaian_rhk {i} must name an RHK of SKP {skp.id}", skp_id=skp.id)
        session.add(RatingDetail(rating_id=rating.id, rhk_id=item["rhk_id"],
                                 rating=one_of(f"penilaian_rhk {i} rating", item.get("rating"), EXPECTATIONS),
                                 note=text(f"penilaian_rhk {i} catatan", item.get("catatan"), required=False)))
    for value_code, value_rating in per_value.items():
        session.add(RatingDetail(rating_id=rating.id, value_code=one_of("nilai_perilaku", value_code, BERAKHLAK),
                                 rating=one_of(f"penilaian_perilaku {value_code}", value_rating, EXPECTATIONS)))
    session.flush()


def rating_details(session: Session, rating: Rating) -> list[RatingDetail]:
    """Return the parts of a rating: RHK ratings first (in RHK order), then the BerAKHLAK values."""
    return list(session.execute(select(RatingDetail).where(RatingDetail.rating_id == rating.id)
                                .order_by(RatingDetail.rhk_id.is_(None), RatingDetail.rhk_id, RatingDetail.id))
                .scalars())


def current_predikat(session: Session, skp: Skp) -> PredikatRecord | None:
    """Return the latest predikat record of the SKP (the current predikat), if any."""
    return session.execute(select(PredikatRecord).where(PredikatRecord.skp_id == skp.id)
                           .order_by(PredikatRecord.id.desc()).limit(1)).scalar_one_or_none()


def predikat_history(session: Session, skp: Skp) -> list[PredikatRecord]:
    """Return every predikat the SKP was given, oldest first."""
    return list(session.execute(select(PredikatRecord).where(PredikatRecord.skp_id == skp.id)
                                .order_by(PredikatRecord.id)).scalars())


def change_predikat(session: Session, skp: Skp, predikat: str, source: str, actor: str,
                    reason: str | None = None) -> PredikatRecord:
    """Give the SKP a predikat (from a rating, the unit's calibration or an appeal): a new history row."""
    one_of("predikat", predikat, PREDIKATS)
    one_of("sumber", source, PREDIKAT_SOURCES)
    before = current_predikat(session, skp)
    record = PredikatRecord(skp_id=skp.id, predikat=predikat, source=source, changed_by=actor,
                            changed_at=clock.now(), reason=text("alasan", reason, required=False))
    session.add(record)
    session.flush()
    note(session, "predikat_changed", actor, skp.instance_id, {
        "skp_id": skp.id, "predikat": predikat, "previous": before.predikat if before else None,
        "source": source, "reason": record.reason})
    return record


def predikat_by_employee(session: Session, tahun: int) -> dict[int, str]:
    """Return {employee id: final predikat} of a year: the current predikat of each employee's latest SKP
    of that year that has one (after a transfer, the SKP of the last position)."""
    latest = (select(PredikatRecord.skp_id, func.max(PredikatRecord.id).label("last_id"))
              .group_by(PredikatRecord.skp_id).subquery())
    rows = session.execute(
        select(Skp.employee_id, PredikatRecord.predikat)
        .join(latest, latest.c.skp_id == Skp.id).join(PredikatRecord, PredikatRecord.id == latest.c.last_id)
        .where(Skp.year == tahun).order_by(Skp.period_start, Skp.id)).all()
    return {employee_id: predikat for employee_id, predikat in rows}  # later SKPs win


def set_unit_rating(session: Session, unit: Unit, tahun: int, capaian: str, actor: str,
                    period: str = "akhir", instance_id: int | None = None) -> UnitRating:
    """Set (or change) a unit's performance rating for a period; it fixes the distribution pattern."""
    one_of("capaian", capaian, CAPAIAN)
    tahun = year(tahun)
    row = session.execute(select(UnitRating).where(UnitRating.unit_id == unit.id, UnitRating.year == tahun,
                                                   UnitRating.period == period)).scalar_one_or_none()
    previous = row.capaian if row else None
    if row is None:
        row = UnitRating(unit_id=unit.id, year=tahun, period=text("periode", period, max_length=20))
        session.add(row)
    row.capaian, row.set_by, row.set_at = capaian, actor, clock.now()
    session.flush()
    note(session, "unit_rating_set", actor, instance_id, {
        "unit": unit.code, "tahun": tahun, "period": period, "capaian": capaian, "previous": previous})
    return row


def unit_rating(session: Session, unit_id: int, tahun: int, period: str = "akhir") -> UnitRating | None:
    """Return a unit's rating for a period, if set."""
    return session.execute(select(UnitRating).where(UnitRating.unit_id == unit_id, UnitRating.year == tahun,
                                                    UnitRating.period == period)).scalar_one_or_none()


def final_predikats(session: Session, unit: Unit, tahun: int) -> dict[int, str]:
    """Return {skp id: current predikat} of the unit's SKPs of a year (closed SKPs left out).

    A calibration unit (an OPD, a flagged unit) counts with the units it calibrates: its curve is theirs.
    """
    covered = calibration_units.covered_unit_ids(session, unit)
    latest = (select(PredikatRecord.skp_id, func.max(PredikatRecord.id).label("last_id"))
              .group_by(PredikatRecord.skp_id).subquery())
    rows = session.execute(
        select(Skp.id, PredikatRecord.predikat).join(latest, latest.c.skp_id == Skp.id)
        .join(PredikatRecord, PredikatRecord.id == latest.c.last_id)
        .where(Skp.unit_id.in_(covered), Skp.year == tahun, Skp.status != "ditutup"))
    return {skp_id: predikat for skp_id, predikat in rows}


def distribution(session: Session, unit: Unit, tahun: int) -> dict[str, int]:
    """Return the count of current predikat per value (every value present, zeros included)."""
    counts = dict.fromkeys(PREDIKATS, 0)
    for predikat in final_predikats(session, unit, tahun).values():
        counts[predikat] += 1
    return counts


def record_rater_response(session: Session, skp: Skp, rater_nip: str, relation: str, scores: dict[str, Any],
                          actor: str, comment: str | None = None) -> RaterResponse:
    """Record one multi-rater answer (1–5 per BerAKHLAK value); advisory only.

    A rater gives whole scores; the public's feedback (relation public) is a survey average, so a
    fraction is allowed there.
    """
    one_of("relasi", relation, RATER_RELATIONS)
    # A question left blank ("tidak tahu") is not an answer to it: it counts toward no aggregate.
    scores = {value_code: score for value_code, score in scores.items() if score is not None}
    allowed = (int, float) if relation == "public" else (int,)
    for value_code, score in scores.items():
        one_of("nilai_perilaku", value_code, BERAKHLAK)
        if isinstance(score, bool) or not isinstance(score, allowed) or not 1 <= score <= 5:
            raise RecordInvalid(f"score of {value_code} must be 1–5, not {score!r}")
    row = RaterResponse(skp_id=skp.id, rater_nip=text("nip_rekan", rater_nip, max_length=18), relation=relation,
                        scores=scores, comment=comment, submitted_at=clock.now())
    session.add(row)
    session.flush()
    note(session, "rater_response_recorded", actor, skp.instance_id, {"skp_id": skp.id, "relation": relation})
    return row


def rater_relation(session: Session, skp: Skp, rater: Employee) -> str:
    """Return how a rater stands to the appraised: a direct subordinate (reports to the SKP's position) or a peer."""
    assignment = org.current_assignment(session, rater)
    position = session.get(Position, assignment.position_id) if assignment is not None else None
    return "subordinate" if position is not None and position.reports_to_id == skp.position_id else "peer"


def employee_of(session: Session, skp: Skp) -> Employee:
    """Return the employee an SKP belongs to."""
    employee = session.get(Employee, skp.employee_id)
    assert employee is not None  # the foreign key guarantees it
    return employee
