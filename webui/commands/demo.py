"""`kinerja demo`: a Samarinda-like organisation, its accounts, bpmn/ deployed and the cycle opened (idempotent)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from engine.clock import clock
from engine.definitions import specs
from engine.definitions.validation import read_paths
from workflows.cycle.cycles import CycleSettings
from workflows.organisation.demo_guard import check_demo_allowed
from workflows.organisation.demo_org import build_demo_org
from workflows.organisation.org import OrgSettings

from ..deployment import is_production
from . import transaction
from .cycle import open_with_progress, print_summary

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


@click.command("demo")
@click.option("--year", type=int,
              help="Cycle year to open (default: this year in January, while SKPs are being drafted; "
                   "else next year, so the demo starts at planning instead of at overdue escalations).")
@click.option("--confirm-late", is_flag=True,
              help="Open a past year's cycle although its deadlines have passed (recorded in the audit trail).")
@click.option("--force", is_flag=True,
              help="Add the demo to a database that holds an organisation the demo did not make (test databases "
                   "only: the demo's accounts have published passwords). Never allowed in production mode.")
@with_appcontext
def demo(year: int | None, confirm_late: bool, force: bool) -> None:
    """Build the demo organisation and accounts, deploy bpmn/ and open the year's cycle (idempotent)."""
    today = clock.now().astimezone(clock.local_tz)
    year = year or (today.year if today.month == 1 else today.year + 1)
    files = read_paths([str(BPMN_DIR)])
    with transaction() as session:
        check_demo_allowed(session, production=is_production(current_app.config["KINERJA_ENV"]), force=force)
        built = build_demo_org(session, year)
        results = specs.deploy(session, files, "demo", max_bytes=current_app.config["KINERJA_MAX_BPMN_BYTES"],
                               strict=True)
    click.echo("organisation: " + ", ".join(f"{n} {kind}(s) created" for kind, n in built.created.items()))
    for result in results:
        state = "deployed" if result.created else "unchanged"
        click.echo(f"{result.spec_version.process_id}: {state} version {result.spec_version.version}")
    settings = CycleSettings(org_settings=OrgSettings(jpt_appraiser=current_app.config["KINERJA_JPT_APPRAISER"]))
    with transaction() as session:
        summary = open_with_progress(session, year, None, "demo", settings, confirm_late=confirm_late)
    print_summary(summary)
    click.echo("\nDemo accounts (demo passwords; each is changed at its first sign-in):")
    width = max(len(username) for username, *_ in built.accounts)
    click.echo(f"  {'username':<{width}}  {'password':<28}  who")
    for username, password, who, created in built.accounts:
        click.echo(f"  {username:<{width}}  {password:<28}  {who}{'' if created else '  (existing)'}")
