"""Notification e-mails through a local SMTP sink: one per event, never twice, retried after a failure, daily digest."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from engine.clock import clock
from engine.models import Notification
from tests.webui.inbox_fixtures import KASI_NIP, PLT_NIP, STAFF_NIP, submit_skp
from workflows.models.org import Employee


class Sink:
    """Keeps every message the server accepted."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    controller.stop()


def mail_app(make_app, demo_url, port: int, **settings):
    app = make_app(demo_url, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False,
                   SMTP_FROM="kinerja@samarindakota.go.id", PUBLIC_URL="https://kinerja.example", **settings)
    from webui.extensions import db
    with app.app_context():  # only these two people have an address
        for nip in (STAFF_NIP, PLT_NIP):
            db.session.execute(update(Employee).where(Employee.nip == nip).values(email=f"{nip}@example.go.id"))
        db.session.commit()
    return app


def send(app, code: int = 0) -> str:
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == code, result.output
    return result.output


def emailed(app) -> list[int]:
    from webui.extensions import db
    with app.app_context():
        return list(db.session.execute(select(Notification.id).where(Notification.emailed_at.is_not(None))
                                       .order_by(Notification.id)).scalars())


def test_email_is_off_by_default(app):
    assert "e-mail is off" in send(app)
    assert emailed(app) == []


def test_one_message_per_notification_in_indonesian_and_never_twice(smtp, make_app, demo_url):
    controller, sink = smtp
    app = mail_app(make_app, demo_url, controller.port)
    assert "sent 2 message(s)" in send(app)  # Maya's and the Plt's own SKP tasks; the others have no address
    _rcpt, message = next(m for m in sink.messages if m[0] == [f"{STAFF_NIP}@example.go.id"])
    assert message["Subject"].startswith("[Kinerja] Tugas baru: Susun SKP — Maya Sari")
    body = message.get_payload(decode=True).decode()
    assert "Ada tugas baru untuk Anda di Kinerja" in body and "https://kinerja.example/tugas/" in body
    assert "sent 0 message(s)" in send(app)
    assert len(sink.messages) == 2
    submit_skp(app, KASI_NIP)  # a new event: the Plt's review task
    send(app)
    assert len(sink.messages) == 3 and sink.messages[2][0] == [f"{PLT_NIP}@example.go.id"]
    assert "Tinjau SKP" in sink.messages[2][1]["Subject"]


def test_a_failed_send_is_logged_kept_and_retried_and_the_worker_keeps_going(smtp, make_app, demo_url, caplog):
    controller, sink = smtp
    app = mail_app(make_app, demo_url, free_port())  # nobody listens there
    output = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert output.exit_code == 0 and "2 failed" in output.output
    assert emailed(app) == [] and "retried next pass" in caplog.text
    worker = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert worker.exit_code == 0, worker.output
    assert "fired timers" in worker.output
    fixed = mail_app(make_app, demo_url, controller.port)
    assert "sent 2 message(s)" in send(fixed)
    assert len(sink.messages) == 2 and len(emailed(fixed)) == 2


def test_the_worker_sends_the_mail_due(smtp, make_app, demo_url):
    controller, sink = smtp
    app = mail_app(make_app, demo_url, controller.port)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "e-mailed 2 notification message(s)" in result.output and len(sink.messages) == 2


def test_the_daily_digest_sends_one_summary_per_person_a_day(smtp, make_app, demo_url):
    controller, sink = smtp
    app = mail_app(make_app, demo_url, controller.port, NOTIFY_DIGEST="daily", NOTIFY_DIGEST_HOUR=7)
    # The cycle opened at T0, 4 January 09:00 WITA: its notifications wait for the next day's 07:00.
    submit_skp(app, KASI_NIP)
    clock.set(datetime(2027, 1, 4, 6, 0, tzinfo=UTC))  # 14:00 WITA: the day's summary moment (07:00) was before
    assert "sent 0 message(s)" in send(app)
    from webui.extensions import db
    with app.app_context():  # a reminder for Maya on the same day
        task_id = db.session.execute(select(Notification.human_task_id).where(
            Notification.recipient == STAFF_NIP)).scalar_one()
        db.session.add(Notification(recipient_kind="user", recipient=STAFF_NIP, kind="reminder", human_task_id=task_id,
                                    title="Susun SKP — Maya Sari", created_at=clock.now()))
        db.session.commit()
    clock.set(datetime(2027, 1, 5, 0, 0, tzinfo=UTC))  # 08:00 WITA next day
    assert "sent 2 message(s)" in send(app)  # Maya (2 notices in one) and the Plt
    by_rcpt = {tuple(rcpt): message for rcpt, message in sink.messages}
    maya = by_rcpt[(f"{STAFF_NIP}@example.go.id",)]
    assert maya["Subject"] == "[Kinerja] Ringkasan harian: 2 pemberitahuan"
    body = maya.get_payload(decode=True).decode()
    assert "Tugas baru: Susun SKP" in body and "Pengingat: Susun SKP" in body
    clock.set(datetime(2027, 1, 5, 8, 0, tzinfo=UTC))
    assert "sent 0 message(s)" in send(app)  # one summary a day
