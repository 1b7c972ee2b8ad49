"""`kinerja audit verify|export`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from engine import audit as trail
from workflows import privacy

from . import dump, transaction

group = AppGroup("audit", help="The hash-chained audit trail.")


@group.command("verify")
def verify() -> None:
    """Check every chain; exit 1 naming the first bad event of each broken chain."""
    with transaction() as session:
        breaches = trail.verify(session)
    for breach in breaches:
        click.echo(f"BROKEN {breach}")
    if breaches:
        sys.exit(1)
    click.echo("audit trail intact")


@group.command("export")
@click.option("--instance", "instance_id", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def export(instance_id: int, fmt: str) -> None:
    """Print an instance's audit trail as JSON or CSV."""
    with transaction() as session:
        text = trail.export(session, instance_id, fmt)
    click.echo(text, nl=False)


@group.command("employee")
@click.option("--nip", required=True, help="The employee's NIP.")
@click.option("--tahun", type=int, required=True, help="Appraisal year.")
def employee(nip: str, tahun: int) -> None:
    """Print the employee's own trail of a year as JSON, without who answered what as a rater."""
    with transaction() as session:
        events = privacy.trail_for_employee(session, nip, tahun)
    dump(events)
