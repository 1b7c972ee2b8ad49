"""`kinerja audit verify|export`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from engine import audit as trail

from . import transaction

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
