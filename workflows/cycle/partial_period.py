"""The partial period at a transfer: the old appraiser rates the months in the old position (penilaian_parsial.bpmn)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import specs
from engine.models import Instance
from engine.runtime.lifecycle import instances
from engine.runtime.running.execution import ENDED
from engine.runtime.running.rows import InstanceRow

from ..appraisals.records import RecordInvalid
from ..models.follow_up import PartialPeriod
from ..models.org import Position
from ..models.records import Rating
from ..models.skp import Skp
from ..planning import skp as skp_records
from ..rating import ratings

PROCESS_ID = "penilaian_parsial"
#: The rating period label of a partial period.
PERIOD = "parsial"
#: SKP statuses with an agreed plan to rate against; an SKP never agreed is closed without a rating.
RATEABLE = ("disetujui",)


def partial_key(skp: Skp) -> str:
    """Return the business key of the partial rating of an SKP."""
    return f"parsial:{skp.year}:{skp.id}"


def skp_id_of_key(key: str) -> int | None:
    """Return the SKP id a partial rating's business key names, or None for another key."""
    parts = key.split(":")
    return int(parts[2]) if len(parts) == 3 and parts[0] == "parsial" and parts[2].isdigit() else None


def start_partial_rating(session: Session, skp: Skp, transfer_date: date, actor: str,
                         reason: str | None = None) -> InstanceRow | None:
    """Start the old appraiser's rating of the months before the transfer; None when there is nothing to rate.

    The SKP stays open until the rating is recorded (`record_partial_rating` closes it).
    """
    if skp.status not in RATEABLE or skp.appraiser_position_id is None:
        return None
    end = min(transfer_date - timedelta(days=1), skp.period_end)
    if end < skp.period_start:
        return None
    appraiser = session.get(Position, skp.appraiser_position_id)
    superior = session.get(Position, skp.appraiser_superior_position_id) if skp.appraiser_superior_position_id else None
    employee = ratings.employee_of(session, skp)
    data = {"skp_id": skp.id, "nip": employee.nip, "nama": employee.name, "tahun": skp.year,
            "unit_kode": session.get(Position, skp.position_id).unit.code,  # type: ignore[union-attr]
            "jabatan_penilai_kode": appraiser.code if appraiser else None,
            "jabatan_atasan_penilai_kode": superior.code if superior else None,
            "periode_mulai": skp.period_start.isoformat(), "periode_sampai": end.isoformat(),
            "tanggal_mutasi": transfer_date.isoformat(), "alasan_mutasi": reason}
    spec = specs.require_latest(session, PROCESS_ID)
    return instances.start(session, spec, data, partial_key(skp), actor)


def record_partial_rating(session: Session, skp: Skp, hasil_kerja: str, perilaku: str, predikat: str,
                          start: date, end: date, actor: str, reason: str | None = None) -> Rating:
    """Record the partial-period rating with its date range and predikat, then close the old SKP."""
    if skp.status == "ditutup":
        raise RecordInvalid(f"SKP {skp.id} is closed: its partial period was rated already", skp_id=skp.id)
    if not skp.period_start <= start <= end <= skp.period_end:
        raise RecordInvalid(f"partial period {start}..{end} does not lie in the SKP's {skp.period_start}.."
                            f"{skp.period_end}", skp_id=skp.id)
    rating = ratings.record_rating(session, skp, hasil_kerja, perilaku, predikat, actor, PERIOD)
    session.add(PartialPeriod(rating_id=rating.id, skp_id=skp.id, period_start=start, period_end=end))
    session.flush()
    skp_records.set_status(session, skp, "ditutup", actor, reason or f"Periode parsial {start}..{end} dinilai")
    return rating


def pending_keys(session: Session, employee_id: int, year: int) -> list[str]:
    """Return the business keys of the employee's partial ratings of the year still awaiting the rater."""
    keys = [partial_key(skp) for skp in session.execute(select(Skp).where(
        Skp.employee_id == employee_id, Skp.year == year).order_by(Skp.id)).scalars()]
    return list(session.execute(select(Instance.business_key).where(
        Instance.process_id == PROCESS_ID, Instance.business_key.in_(keys), Instance.status.not_in(ENDED))
        .order_by(Instance.id)).scalars())


def partial_period_of(session: Session, skp: Skp) -> tuple[Rating, PartialPeriod] | None:
    """Return the SKP's partial-period rating and its range, if recorded."""
    row = session.execute(select(Rating, PartialPeriod).join(PartialPeriod, PartialPeriod.rating_id == Rating.id)
                          .where(Rating.skp_id == skp.id)).first()
    return (row[0], row[1]) if row else None
