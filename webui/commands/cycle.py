"""`kinerja cycle open YEAR [--unit CODE]`: start the year's calibrations and appraisal cycles."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from workflows.cycles import CycleSettings, CycleSummary, open_cycle
from workflows.org import OrgSettings

from . import transaction

group = AppGroup("cycle", help="The yearly appraisal cycle.")


@group.command("open")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.option("--unit", "unit_code", help="Only this unit and its sub-units (default: the whole city).")
@click.option("--actor", default="operator", show_default=True, help="Who opens (recorded in the audit trail).")
def open_command(year: int, unit_code: str | None, actor: str) -> None:
    """Start one kalibrasi_unit per unit, then one siklus_kinerja per eligible employee (idempotent)."""
    settings = CycleSettings(org_settings=OrgSettings(jpt_appraiser=current_app.config["KINERJA_JPT_APPRAISER"]))
    with transaction() as session:
        summary = open_with_progress(session, year, unit_code, actor, settings)
    print_summary(summary)


def open_with_progress(session: Any, year: int, unit_code: str | None, actor: str,
                       settings: CycleSettings) -> CycleSummary:
    """Run open_cycle behind a click progress bar, committing each batch."""
    bars: list[Any] = []
    shown = [0]

    def progress(done: int, total: int) -> None:
        if not bars:  # the total is known only once the organisation has been read
            bars.append(click.progressbar(length=total, label=f"opening {year}", file=sys.stderr))
            bars[0].__enter__()
        bars[0].update(done - shown[0])
        shown[0] = done

    try:
        return open_cycle(session, year, unit_code, actor=actor, settings=settings, commit=session.commit,
                          on_progress=progress)
    finally:
        if bars:
            bars[0].__exit__(None, None, None)


def print_summary(summary: CycleSummary) -> None:
    """Print the counts per process, then every skipped employee or unit and every problem."""
    click.echo(f"cycle {summary.year}:")
    for kind, result in summary.kinds.items():
        click.echo(f"  {kind}: {len(result.started)} started, {len(result.existing)} already started, "
                   f"{len(result.skipped)} skipped, {len(result.problems)} problem(s)")
    for kind, result in summary.kinds.items():
        for label, reason in result.skipped:
            click.echo(f"  skipped {kind} {label}: {reason}")
        for label, reason in result.problems:
            click.echo(f"  problem {kind} {label}: {reason}")
