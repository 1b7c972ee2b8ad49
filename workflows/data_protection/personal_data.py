"""Everything the system holds about one person, as the copy they may download (UU 27/2022 Ps 7 and 8).

The layout is versioned (`SCHEMA`, `VERSION`; documented in docs/privacy.md). It holds the account
(never the password hash nor a token's hash), the employee's data and position history, every appraisal
they are the subject of (`personal_appraisals`), their consents, their own task submissions, drafts and
notifications, and who viewed their records (`record_views`). Another person's file the employee worked
on (as appraiser or rater) shows only that a task was done: its content is that person's data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.models import HumanTask, Notification, TaskDraft

from ..models.org import ActingAssignment, ApiToken, Employee, Position, PositionAssignment, Unit, UserAccount
from ..models.records import Consent, TalentPoolEntry
from ..models.skp import Skp
from . import record_views
from .personal_appraisals import appraisals_of

SCHEMA = "kinerja.data-pribadi"
VERSION = 1
LEGAL_BASIS = ("Salinan data pribadi atas permintaan subjek data: UU No. 27 Tahun 2022 tentang Pelindungan Data "
               "Pribadi, Pasal 7 (hak mengakses dan memperoleh salinan) dan Pasal 8. Identitas dan jawaban "
               "masing-masing penilai rekan kerja tidak disertakan (hanya agregat), karena merupakan data "
               "pribadi orang lain.")
#: The audit event of a download (global chain; data: the sections and their counts, never the data).
EXPORTED = "personal_data_exported"
#: The sections counted in the audit event and the page (lists, in layout order).
SECTIONS = ("riwayat_jabatan", "penugasan_plt_plh", "penilaian", "persetujuan_publikasi", "kumpulan_talenta",
            "tugas_diselesaikan", "draf", "notifikasi", "dilihat_oleh", "token_api")


def _account(session: Session, account: UserAccount) -> dict[str, Any]:
    tokens = session.execute(select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id)).scalars()
    return {"username": account.username, "peran": list(account.roles or []),
            "lingkup_opd": account.scope_unit_code, "aktif": account.active, "dibuat_pada": account.created_at,
            "wajib_ganti_kata_sandi": account.must_change_password,
            "token_api": [{"nama": t.name, "dibuat_pada": t.created_at, "terakhir_dipakai": t.last_used_at,
                           "dicabut_pada": t.revoked_at} for t in tokens]}


def _employee(session: Session, employee: Employee) -> dict[str, Any]:
    position = session.get(Position, employee.position_id) if employee.position_id is not None else None
    return {"nip": employee.nip, "nama": employee.name, "jenis": employee.kind, "status": employee.status,
            "jenis_kelamin": employee.gender, "email": employee.email, "diperbarui_pada": employee.updated_at,
            "jabatan_sekarang": position.name if position else None,
            "unit_sekarang": position.unit.name if position else None}


def _history(session: Session, employee: Employee) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    held = session.execute(select(PositionAssignment, Position, Unit).join(
        Position, Position.id == PositionAssignment.position_id).join(Unit, Unit.id == Position.unit_id)
        .where(PositionAssignment.employee_id == employee.id).order_by(PositionAssignment.started_on)).all()
    acting = session.execute(select(ActingAssignment, Position, Unit).join(
        Position, Position.id == ActingAssignment.position_id).join(Unit, Unit.id == Position.unit_id)
        .where(ActingAssignment.employee_id == employee.id).order_by(ActingAssignment.starts_on)).all()
    return ([{"jabatan": p.name, "unit": u.name, "mulai": a.started_on, "selesai": a.ended_on} for a, p, u in held],
            [{"jenis": a.kind, "jabatan": p.name, "unit": u.name, "mulai": a.starts_on, "selesai": a.ends_on,
              "alasan": a.reason} for a, p, u in acting])


def _own_instances(session: Session, employee: Employee | None) -> set[int]:
    if employee is None:
        return set()
    return {i for i in session.execute(select(Skp.instance_id).where(Skp.employee_id == employee.id)).scalars()
            if i is not None}


def _tasks(session: Session, username: str, own: set[int]) -> list[dict[str, Any]]:
    """Return the tasks the person completed; the content only of those on their own appraisals."""
    rows = session.execute(select(HumanTask).where(HumanTask.completed_by == username)
                           .order_by(HumanTask.completed_at, HumanTask.id)).scalars()
    # A title names whose file the task was on: on another person's file only the step is given.
    return [{"tugas": t.name if t.instance_id in own else None, "elemen": t.bpmn_id, "proses": t.process_id,
             "selesai_pada": t.completed_at, "berkas_sendiri": t.instance_id in own,
             "instance_id": t.instance_id if t.instance_id in own else None} for t in rows]


def _drafts(session: Session, username: str, own: set[int]) -> list[dict[str, Any]]:
    rows = session.execute(select(TaskDraft, HumanTask).join(HumanTask, HumanTask.id == TaskDraft.human_task_id)
                           .where(TaskDraft.username == username).order_by(TaskDraft.id)).all()
    return [{"tugas": task.name if task.instance_id in own else None, "elemen": task.bpmn_id,
             "proses": task.process_id, "disimpan_pada": draft.saved_at,
             "berkas_sendiri": task.instance_id in own, "isi": draft.data if task.instance_id in own else None}
            for draft, task in rows]


def _notifications(session: Session, username: str, own: set[int]) -> list[dict[str, Any]]:
    rows = session.execute(select(Notification).where(
        Notification.recipient_kind == "user", Notification.recipient == username).order_by(Notification.id)).scalars()
    # A title names the task, which on another person's file names that person.
    return [{"jenis": n.kind, "judul": n.title if n.instance_id is None or n.instance_id in own else None,
             "dibuat_pada": n.created_at, "dibaca_pada": n.read_at, "dikirim_email_pada": n.emailed_at}
            for n in rows]


def collect(session: Session, account: UserAccount) -> dict[str, Any]:
    """Return the person's whole copy (plain JSON data: times as ISO text in UTC)."""
    employee = session.get(Employee, account.employee_id) if account.employee_id is not None else None
    own = _own_instances(session, employee)
    held, acting = _history(session, employee) if employee is not None else ([], [])
    copy: dict[str, Any] = {
        "skema": SCHEMA, "versi": VERSION, "generated_at": clock.now(), "dasar_hukum": LEGAL_BASIS,
        "akun": _account(session, account),
        "pegawai": _employee(session, employee) if employee is not None else None,
        "riwayat_jabatan": held, "penugasan_plt_plh": acting,
        "penilaian": appraisals_of(session, employee) if employee is not None else [],
        "persetujuan_publikasi": [] if employee is None else [
            {"tahun": c.year, "lingkup": c.scope, "diberikan_pada": c.given_at, "teks": c.text,
             "dicabut_pada": c.revoked_at, "teks_pencabutan": c.revocation_text}
            for c in session.execute(select(Consent).where(Consent.employee_id == employee.id)
                                     .order_by(Consent.id)).scalars()],
        "kumpulan_talenta": [] if employee is None else [
            {"tahun": t.year, "dicatat_pada": t.created_at}
            for t in session.execute(select(TalentPoolEntry).where(TalentPoolEntry.employee_id == employee.id)
                                     .order_by(TalentPoolEntry.year)).scalars()],
        "tugas_diselesaikan": _tasks(session, account.username, own),
        "draf": _drafts(session, account.username, own),
        "notifikasi": _notifications(session, account.username, own),
        "dilihat_oleh": [view.as_dict() for view in record_views.all_views(session, employee)],
    }
    copy["ringkasan"] = counts(copy)
    return audit.json_safe(plain(copy))  # type: ignore[no-any-return]


def plain(value: Any) -> Any:
    """Return value with every time as ISO 8601 text (UTC) and every day as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def counts(copy: dict[str, Any]) -> dict[str, int]:
    """Return how many items each section of a copy holds (what the audit event records)."""
    found = {name: len(copy[name]) for name in SECTIONS if name != "token_api"}
    found["token_api"] = len(copy["akun"]["token_api"])
    return found


def record_export(session: Session, account: UserAccount, copy: dict[str, Any], channel: str) -> None:
    """Audit a download in the caller's transaction: whose, through what, which sections and how many."""
    employee = session.get(Employee, account.employee_id) if account.employee_id is not None else None
    audit.record(session, EXPORTED, account.username, data={
        "nip": employee.nip if employee is not None else None, "akun": account.username, "lewat": channel,
        "skema": SCHEMA, "versi": VERSION, "bagian": copy["ringkasan"]})

