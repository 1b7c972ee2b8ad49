"""Notification e-mails: one message per notification, or one daily summary per recipient, in Indonesian.

Addresses come from `employee.email`: a user's own (employee accounts are named by NIP; a staff account
through its employee), a group's from every active account in the group. A notification is marked
`emailed_at` when its message was accepted, committed one message at a time, so a failure later in a
pass never makes an earlier message go out again; a failed one stays unsent and the next pass retries
it. Notifications older than MAX_AGE are left to the in-app list: switching e-mail on never mails a
backlog.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import notifications
from engine.clock import clock
from engine.models import Notification

from ..models.org import Employee, UserAccount

log = logging.getLogger("kinerja.notifications")

MAX_AGE = timedelta(days=7)
DIGEST_MODES = ("off", "daily")
KIND_TEXT = {"task_created": "Tugas baru", "reminder": "Pengingat", "escalation": "Eskalasi"}


@dataclass(frozen=True)
class MailSettings:
    """Where and how to send; an empty host means e-mail is off."""

    host: str = ""
    port: int = 587
    username: str = ""
    password: str = ""
    starttls: bool = True
    sender: str = "kinerja@localhost"
    digest: str = "off"
    digest_hour: int = 7
    timezone: str = "Asia/Makassar"
    #: The site's address, for links in the messages ("" leaves them out).
    public_url: str = ""


@dataclass
class Outcome:
    """What a pass did: messages sent, messages that failed (retried next pass), notifications without address."""

    sent: int = 0
    failed: int = 0
    no_address: int = 0
    errors: list[str] = field(default_factory=list)


def addresses(session: Session, rows: Sequence[Notification]) -> dict[tuple[str, str], list[str]]:
    """Return the e-mail addresses of each (recipient kind, recipient) of the notifications."""
    users = {r.recipient for r in rows if r.recipient_kind == "user"}
    groups = {r.recipient for r in rows if r.recipient_kind == "group"}
    found: dict[tuple[str, str], list[str]] = {}
    if users:
        for nip, email in session.execute(select(Employee.nip, Employee.email).where(Employee.nip.in_(users))):
            if email:
                found[("user", nip)] = [email]
        for username, email in session.execute(select(UserAccount.username, Employee.email).join(
                Employee, Employee.id == UserAccount.employee_id).where(UserAccount.username.in_(users))):
            if email and ("user", username) not in found:
                found[("user", username)] = [email]
    if groups:
        accounts = session.execute(select(UserAccount).where(UserAccount.active.is_(True),
                                                             UserAccount.employee_id.is_not(None))).scalars()
        for account in accounts:
            email = account.employee.email if account.employee is not None else None
            for group in set(account.groups()) & groups:
                if email:
                    found.setdefault(("group", group), []).append(email)
    return found


def _link(settings: MailSettings, row: Notification) -> str:
    if not settings.public_url or row.human_task_id is None:
        return ""
    return f"\n{settings.public_url.rstrip('/')}/tugas/{row.human_task_id}"


def _message(settings: MailSettings, to: list[str], group: bool, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["Subject"] = subject
    if group:  # members do not see each other's addresses
        message["To"] = settings.sender
        message["Bcc"] = ", ".join(to)
    else:
        message["To"] = ", ".join(to)
    footer = ("\n\n--\nPesan ini dikirim otomatis oleh Kinerja, Pemerintah Kota Samarinda. "
              "Buka kotak masuk Kinerja untuk mengerjakan tugas Anda.")
    message.set_content(body + footer)
    return message


def single(settings: MailSettings, row: Notification, to: list[str]) -> EmailMessage:
    """Return the message of one notification."""
    kind = KIND_TEXT.get(row.kind, row.kind)
    lead = {"task_created": "Ada tugas baru untuk Anda di Kinerja:",
            "reminder": "Pengingat: tugas berikut belum selesai dan tenggatnya mendekat:",
            "escalation": "Eskalasi: tenggat sebuah tugas telah lewat dan tindak lanjut diperlukan:"}.get(row.kind, "")
    body = f"Yth. Bapak/Ibu,\n\n{lead}\n\n{row.title}{_link(settings, row)}"
    return _message(settings, to, row.recipient_kind == "group", f"[Kinerja] {kind}: {row.title}"[:200], body)


def digest(settings: MailSettings, rows: Sequence[Notification], to: list[str]) -> EmailMessage:
    """Return the daily summary of a recipient's notifications."""
    lines = [f"- {KIND_TEXT.get(r.kind, r.kind)}: {r.title}{_link(settings, r).replace(chr(10), chr(10) + '  ')}"
             for r in rows]
    body = ("Yth. Bapak/Ibu,\n\nRingkasan harian pemberitahuan Kinerja Anda "
            f"({len(rows)} pemberitahuan):\n\n" + "\n".join(lines))
    return _message(settings, to, rows[0].recipient_kind == "group",
                    f"[Kinerja] Ringkasan harian: {len(rows)} pemberitahuan", body)


def digest_cutoff(settings: MailSettings, now: datetime) -> datetime:
    """Return the latest digest moment at or before now: today's digest hour, else yesterday's."""
    local = now.astimezone(ZoneInfo(settings.timezone))
    cutoff = local.replace(hour=settings.digest_hour, minute=0, second=0, microsecond=0)
    return cutoff if cutoff <= local else cutoff - timedelta(days=1)


def send_pending(session: Session, settings: MailSettings, commit: Callable[[], None],
                 connect: Callable[[MailSettings], smtplib.SMTP] | None = None) -> Outcome:
    """Send what is due: each unsent notification, or (digest daily) one summary per recipient a day."""
    outcome = Outcome()
    if not settings.host:
        return outcome
    now = clock.now()
    before = digest_cutoff(settings, now) if settings.digest == "daily" else None
    rows = notifications.unsent(session, now - MAX_AGE, before)
    if not rows:
        return outcome
    known = addresses(session, rows)
    batches: list[tuple[list[Notification], list[str], EmailMessage]] = []
    if before is None:
        for row in rows:
            to = known.get((row.recipient_kind, row.recipient))
            if to:
                batches.append(([row], to, single(settings, row, to)))
            else:
                outcome.no_address += 1
    else:
        grouped: dict[tuple[str, str], list[Notification]] = {}
        for row in rows:
            grouped.setdefault((row.recipient_kind, row.recipient), []).append(row)
        for recipient, items in grouped.items():
            to = known.get(recipient)
            if to:
                batches.append((items, to, digest(settings, items, to)))
            else:
                outcome.no_address += len(items)
    if not batches:
        return outcome
    try:
        smtp = (connect or _connect)(settings)
    except (OSError, smtplib.SMTPException) as exc:
        outcome.failed = len(batches)
        outcome.errors.append(f"SMTP {settings.host}:{settings.port}: {exc}")
        log.warning("notification e-mail not sent, retried next pass: %s", outcome.errors[-1])
        return outcome
    try:
        for items, to, message in batches:
            try:
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as exc:
                outcome.failed += 1
                outcome.errors.append(f"{', '.join(to)}: {exc}")
                log.warning("notification e-mail to %s failed, retried next pass: %s", to, exc)
                continue
            notifications.mark_emailed(session, [r.id for r in items], now)
            commit()
            outcome.sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return outcome


def _connect(settings: MailSettings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
    if settings.starttls:
        smtp.starttls()
    if settings.username:
        smtp.login(settings.username, settings.password)
    return smtp
