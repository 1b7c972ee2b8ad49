"""The predikat notice and its objection window (PP 30/2019 Ps 59), and the file the decider reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock

from ..appraisals.records import RecordInvalid, note, one_of
from ..models.records import Appeal, AppealWindow, Rating
from ..models.skp import PREDIKATS, Skp
from ..rating.rating_file import documented_plan, label
from ..rating.ratings import current_predikat, employee_of, rating_details

#: How a predikat, a rating and a month are written in a notice.
PREDIKAT_LABELS = {"sangat_baik": "Sangat Baik", "baik": "Baik", "butuh_perbaikan": "Butuh Perbaikan",
                   "kurang_misconduct": "Kurang/Misconduct", "sangat_kurang": "Sangat Kurang"}
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def tanggal(day: date) -> str:
    """Return a date as Indonesian text: 18 Januari 2027."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def last_day_to_object(received_at: datetime, window: str) -> date:
    """Return the last day of the window counted from the day of receipt (the receipt day not counted).

    Ps 59(1): an objection within 14 days of receiving the notice. A notice received on 4 January can be
    objected to through 18 January; the window ends at the end of that day in Samarinda (WITA).
    """
    try:
        parts = TimerEventDefinition.parse_iso_duration(str(window))
    except Exception:
        raise RecordInvalid(f"jendela_keberatan must be an ISO duration such as P14D, not {window!r}")
    start = received_at.astimezone(clock.local_tz)
    end: datetime = start + TimerEventDefinition.get_timedelta_from_start(parts, start)
    return end.date()


def latest_rating(session: Session, skp: Skp) -> Rating | None:
    """Return the SKP's latest annual (akhir) rating."""
    return session.execute(select(Rating).where(Rating.skp_id == skp.id, Rating.period == "akhir")
                           .order_by(Rating.id.desc()).limit(1)).scalar_one_or_none()


def open_window(session: Session, skp: Skp, predikat: str | None, window: str, actor: str,
                instance_id: int | None = None) -> AppealWindow:
    """Open the objection window of a notice delivered now: the receipt is the notice's delivery."""
    current = current_predikat(session, skp)
    value = one_of("predikat", current.predikat if current else predikat, PREDIKATS)
    now = clock.now()
    row = AppealWindow(skp_id=skp.id, predikat=value, notified_at=now, last_day=last_day_to_object(now, window))
    session.add(row)
    session.flush()
    note(session, "appeal_window_opened", actor, instance_id, {
        "skp_id": skp.id, "predikat": value, "batas_keberatan": row.last_day.isoformat()})
    return row


def latest_window(session: Session, skp: Skp) -> AppealWindow | None:
    """Return the SKP's most recent objection window."""
    return session.execute(select(AppealWindow).where(AppealWindow.skp_id == skp.id)
                           .order_by(AppealWindow.id.desc()).limit(1)).scalar_one_or_none()


def close_window(session: Session, skp: Skp, actor: str, instance_id: int | None = None) -> AppealWindow:
    """Close the SKP's open window: the objection stage is over (none filed, or decided)."""
    row = latest_window(session, skp)
    if row is None or row.closed_at is not None:
        raise RecordInvalid(f"SKP {skp.id} has no open objection window", skp_id=skp.id)
    row.closed_at = clock.now()
    session.flush()
    note(session, "appeal_window_closed", actor, instance_id, {"skp_id": skp.id, "window_id": row.id})
    return row


def notice(session: Session, skp: Skp, window: AppealWindow, alasan_kalibrasi: str | None,
           predikat_usulan: str | None) -> dict[str, Any]:
    """Return the notice as data and as the Indonesian text the employee reads."""
    rating = latest_rating(session, skp)
    hasil = rating.hasil_kerja if rating else None
    perilaku = rating.perilaku if rating else None
    usulan = predikat_usulan or (rating.predikat_usulan if rating else None)
    lines = [f"Predikat kinerja Anda tahun {skp.year}: {PREDIKAT_LABELS[window.predikat]}."]
    if hasil and perilaku:
        lines.append(f"Rating hasil kerja: {label(hasil)}; "
                     f"rating perilaku kerja: {label(perilaku)}.")
    if usulan and usulan != window.predikat:
        lines.append(f"Predikat usulan pejabat penilai ({PREDIKAT_LABELS.get(usulan, usulan)}) diubah pada "
                     f"kalibrasi unit dengan alasan: {alasan_kalibrasi or 'tidak dicatat'}.")
    lines.append(f"Bila tidak sependapat, Anda dapat mengajukan keberatan disertai alasan paling lambat "
                 f"{tanggal(window.last_day)} (dihitung sejak pemberitahuan ini diterima, PP 30/2019 Pasal 59).")
    return {"predikat": window.predikat, "hasil_kerja": hasil, "perilaku": perilaku, "predikat_usulan": usulan,
            "alasan_kalibrasi": alasan_kalibrasi, "batas_keberatan": window.last_day.isoformat(),
            "teks": " ".join(lines)}


def appeal_file(session: Session, skp: Skp, alasan_kalibrasi: str | None) -> dict[str, Any]:
    """Return the whole file of an open appeal: SKP (RHK, IKI, realisations), ratings, reasons, explanations."""
    appeal = session.execute(select(Appeal).where(Appeal.skp_id == skp.id).order_by(Appeal.id.desc())
                             .limit(1)).scalar_one_or_none()
    rating = latest_rating(session, skp)
    details = rating_details(session, rating) if rating else []
    per_rhk = {d.rhk_id: d.rating for d in details if d.rhk_id is not None}
    rhk = [{**item, "rating": label(per_rhk.get(item["id"]))} for item in documented_plan(session, skp)]
    current = current_predikat(session, skp)
    employee = employee_of(session, skp)
    return {
        "pegawai": {"nip": employee.nip, "nama": employee.name}, "tahun": skp.year, "rhk": rhk,
        "hasil_kerja": label(rating.hasil_kerja) if rating else None,
        "perilaku": label(rating.perilaku) if rating else None,
        "perilaku_rinci": {d.value_code: label(d.rating)
                           for d in details if d.value_code is not None},
        "predikat_usulan": rating.predikat_usulan if rating else None,
        "predikat": current.predikat if current else None,
        "alasan_kalibrasi": alasan_kalibrasi,
        "alasan_keberatan": appeal.reasons if appeal else None,
        "penjelasan_penilai": appeal.explanation_appraiser if appeal else None,
        "penjelasan_pegawai": appeal.explanation_employee if appeal else None,
    }
