"""`kinerja org import FILE.csv`: load units, positions and employees from a SIASN/SIMPEG-style export."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from workflows.calibration.calibration_units import set_calibration_unit
from workflows.cycle.periods import set_jenis_periode
from workflows.models.periods import JENIS_PERIODE
from workflows.organisation import org
from workflows.organisation.org_import import KINDS, ImportRefused, import_org

from . import fail, transaction

group = AppGroup("org", help="The organisation chart: units, positions, employees.")


@group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and list the others.")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Date of position changes without "
              "TMT_JABATAN (default: today).")
@click.option("--actor", default="operator", show_default=True, help="Who imports (recorded in the audit trail).")
def import_command(path: Path, skip_invalid: bool, on: datetime | None, actor: str) -> None:
    """Validate every row, then create or update units, positions and employees (docs/org-import.md)."""
    with transaction() as session:
        try:
            result = import_org(session, path.read_bytes(), actor=actor, file=path.name,
                                skip_invalid=skip_invalid, on=on.date() if on else None)
        except ImportRefused as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            fail(f"{len(exc.problems)} invalid row(s); nothing imported "
                 "(fix them, or use --skip-invalid to import the valid rows)")
    for problem in result.skipped:
        click.echo(f"skipped {problem}")
    for kind in KINDS:
        counts = result.counts[kind]
        click.echo(f"{kind}s: {counts['created']} created, {counts['updated']} updated, "
                   f"{counts['unchanged']} unchanged")
    click.echo(f"position changes recorded: {result.transfers}")
    if result.skipped:
        click.echo(f"{len(result.skipped)} invalid row(s) skipped")


@group.command("periode")
@click.argument("unit_code")
@click.argument("jenis_periode", required=False, type=click.Choice(JENIS_PERIODE))
@click.option("--clear", is_flag=True, help="Remove the unit's own choice (it follows the unit above again).")
@click.option("--actor", default="operator", show_default=True, help="Who sets it (recorded in the audit trail).")
def periode_command(unit_code: str, jenis_periode: str | None, clear: bool, actor: str) -> None:
    """Set the monitoring periods an OPD chose (bulanan, triwulanan, semesteran); sub-units inherit them."""
    if bool(jenis_periode) == clear:
        fail("give a period kind or --clear")
    with transaction() as session:
        unit = set_jenis_periode(session, org.unit_by_code(session, unit_code), jenis_periode, actor)
        click.echo(f"{unit.code}: {unit.jenis_periode or 'as the unit above'}")


@group.command("calibration-unit")
@click.argument("code")
@click.option("--on/--off", "flag", default=True, show_default=True,
              help="Calibrate this unit on its own (--on) or with its OPD (--off).")
@click.option("--actor", default="operator", show_default=True, help="Who changes it (recorded in the audit trail).")
def calibration_unit_command(code: str, flag: bool, actor: str) -> None:
    """Mark a unit (a large UPTD, a kecamatan) as its own calibration unit; cycles opened later follow it."""
    with transaction() as session:
        set_calibration_unit(session, code, flag, actor)
    click.echo(f"{code}: {'own calibration unit' if flag else 'calibrated with its OPD'}")
