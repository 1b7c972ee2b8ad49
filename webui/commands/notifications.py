"""`kinerja notifications send`: e-mail the notifications due (also a pass of `kinerja worker`)."""

from __future__ import annotations

import logging
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from workflows.inbox.notice_mail import DIGEST_MODES, MailSettings, Outcome, send_pending

from ..extensions import db

log = logging.getLogger("kinerja.notifications")


def mail_settings(config: Any) -> MailSettings:
    """Return the e-mail settings of the app's configuration."""
    digest = str(config["KINERJA_NOTIFY_DIGEST"]).strip().lower()
    if digest not in DIGEST_MODES:
        raise click.BadParameter(f"KINERJA_NOTIFY_DIGEST must be one of {', '.join(DIGEST_MODES)}, not {digest!r}")
    return MailSettings(host=config["KINERJA_SMTP_HOST"], port=int(config["KINERJA_SMTP_PORT"]),
                        username=config["KINERJA_SMTP_USERNAME"], password=config["KINERJA_SMTP_PASSWORD"],
                        starttls=bool(config["KINERJA_SMTP_STARTTLS"]), sender=config["KINERJA_SMTP_FROM"],
                        digest=digest, digest_hour=int(config["KINERJA_NOTIFY_DIGEST_HOUR"]),
                        timezone=config["KINERJA_TIMEZONE"], public_url=config["KINERJA_PUBLIC_URL"])


def send_pass() -> Outcome:
    """Send the notification e-mails due; never raises (a failure is logged and retried next pass)."""
    try:
        return send_pending(db.session, mail_settings(current_app.config), db.session.commit)
    except Exception as exc:  # the worker must keep firing timers whatever the mail server does
        db.session.rollback()
        log.exception("notification e-mail pass failed")
        return Outcome(errors=[str(exc)])
    finally:
        db.session.rollback()  # end the read transaction


@click.group("notifications")
def group() -> None:
    """Notifications of new tasks, reminders and escalations."""


@group.command("send")
@with_appcontext
def send() -> None:
    """E-mail the notifications due: one message each, or the daily summaries (KINERJA_NOTIFY_DIGEST)."""
    if not current_app.config["KINERJA_SMTP_HOST"]:
        click.echo("e-mail is off: set KINERJA_SMTP_HOST to send notifications")
        return
    outcome = send_pass()
    click.echo(f"sent {outcome.sent} message(s), {outcome.failed} failed (retried next pass), "
               f"{outcome.no_address} notification(s) without an e-mail address")
    for error in outcome.errors:
        click.echo(f"warning: {error}", err=True)
