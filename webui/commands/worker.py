"""`kinerja worker [--once] [--now ISO]`: fire due timers, one transaction per instance, then e-mail notifications."""

from __future__ import annotations

import time
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from engine.clock import clock
from engine.errors import KinerjaError
from engine.runtime import timers

from ..extensions import db
from . import notifications


def run_pass(batch: int) -> int:
    """Fire the due timers of up to `batch` instances; return how many instances moved."""
    session = db.session
    now = clock.now()
    ids = timers.due_instance_ids(session, now, batch)
    session.rollback()  # end the read transaction; each instance gets its own
    fired = 0
    for instance_id in ids:
        try:
            if timers.fire_due(session, instance_id, now):
                fired += 1
            session.commit()
        except KinerjaError as exc:
            session.rollback()
            click.echo(f"instance {instance_id}: {exc.message}", err=True)
    return fired


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Do one pass and exit.")
@click.option("--now", "as_of", help="Run as of this ISO 8601 time (moves the engine clock).")
@click.option("--interval", type=float, help="Seconds between passes (default KINERJA_WORKER_INTERVAL_SECONDS).")
def worker(once: bool, as_of: str | None, interval: float | None) -> None:
    """Fire due timers: loop, or one pass with --once."""
    if as_of:
        try:
            clock.set(datetime.fromisoformat(as_of))
        except ValueError:
            raise click.BadParameter(f"'{as_of}' is not an ISO 8601 date-time", param_hint="--now")
    batch = current_app.config["KINERJA_WORKER_BATCH_SIZE"]
    pause = interval if interval is not None else current_app.config["KINERJA_WORKER_INTERVAL_SECONDS"]
    while True:
        fired = run_pass(batch)
        click.echo(f"{clock.now().isoformat()}: fired timers of {fired} instance(s)")
        if current_app.config["KINERJA_SMTP_HOST"]:
            mailed = notifications.send_pass()  # logs and retries its failures, never raises
            if mailed.sent or mailed.failed:
                click.echo(f"e-mailed {mailed.sent} notification message(s), {mailed.failed} failed")
        if once:
            return
        if fired < batch:
            time.sleep(pause)
