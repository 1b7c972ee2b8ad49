"""`kinerja report periode`: one period's ratings, periodic predikat and unit ratings, as CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from workflows.oversight.period_export import period_rows, write_csv

from . import transaction

group = AppGroup("report", help="Reports of the appraisal records.")


@group.command("periode")
@click.option("--tahun", type=click.IntRange(2000, 2100), required=True, help="Appraisal year.")
@click.option("--periode", required=True, help='Period name, e.g. "Triwulan II", "Juni", "Semester I", "Akhir".')
@click.option("--unit", "unit_code", help="Only this unit and its sub-units (default: the whole city).")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True,
              help="Output format.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (default: stdout).")
def periode_command(tahun: int, periode: str, unit_code: str | None, fmt: str, output: Path | None) -> None:
    """Write NIP, name, unit, period, ratings, predikat and unit rating: one row per employee."""
    with transaction() as session:
        rows = period_rows(session, tahun, periode, unit_code)
    if output is None:
        write_csv(rows, sys.stdout)
        return
    with output.open("w", encoding="utf-8", newline="") as stream:
        count = write_csv(rows, stream)
    click.echo(f"{count} row(s) written to {output}", err=True)
