"""`kinerja worker [--once] [--now ISO]`: fire due timers, one transaction per instance, then e-mail notifications."""

from __future__ import annotations

import time
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from engine.clock import clock
from engine.runtime.events import worker_pass

from ..extensions import db
from . import notifications


def new_backoff() -> worker_pass.Backoff:
    """Return the lost-race bookkeeping of one worker process, with the app's settings."""
    return worker_pass.Backoff(current_app.config["KINERJA_WORKER_RETRY_LIMIT"],
                               current_app.config["KINERJA_WORKER_RETRY_SECONDS"])


def run_pass(batch: int, backoff: worker_pass.Backoff | None = None) -> int:
    """Fire the timers of every due instance, `batch` at a time; return how many instances moved."""
    report = worker_pass.run_pass(db.session, clock.now(), backoff or new_backoff(), batch=batch,
                                  log=lambda line: click.echo(line, err=True))
    return len(report.fired)


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
    backoff = new_backoff()
    while True:
        fired = run_pass(batch, backoff)
        click.echo(f"{clock.now().isoformat()}: fired timers of {fired} instance(s)")
        if current_app.config["KINERJA_SMTP_HOST"]:
            mailed = notifications.send_pass()  # logs and retries its failures, never raises
            if mailed.sent or mailed.failed:
                click.echo(f"e-mailed {mailed.sent} notification message(s), {mailed.failed} failed")
        if once:
            return
        time.sleep(pause)
