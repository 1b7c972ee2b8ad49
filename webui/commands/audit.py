"""`kinerja audit verify|checkpoint|seal|rotate-key|export|employee`."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from engine import audit as trail
from engine.audit import checkpoints, keys, upgrade
from workflows.data_protection import privacy

from . import dump, fail, transaction

group = AppGroup("audit", help="The hash-chained audit trail.")


@group.command("verify")
@click.option("--checkpoint", "checkpoint", type=click.File("r", encoding="utf-8"),
              help="A checkpoint file (`audit checkpoint`): also prove nothing it recorded was rewritten or deleted.")
@click.option("--progress", is_flag=True, help="Report the chains and events checked so far on stderr.")
def verify(checkpoint: click.utils.LazyFile | None, progress: bool) -> None:
    """Check every chain, state, task row and definition; exit 1 naming the first breach of each."""
    done = [0, 0]

    def report(chains: int, events: int) -> None:
        done[:] = chains, events
        if chains % 1000 == 0:
            click.echo(f"checked {chains} chains, {events} events", err=True)
    with transaction() as session:
        marks = checkpoints.marks(checkpoint.read()) if checkpoint is not None else None
        breaches = trail.verify(session, marks, report if progress else None)
    if progress:
        click.echo(f"checked {done[0]} chains, {done[1]} events; then states, tasks and definitions", err=True)
    for breach in breaches:
        click.echo(f"BROKEN {breach}")
    if breaches:
        sys.exit(1)
    click.echo("audit trail intact" + (" and consistent with the checkpoint" if checkpoint is not None else ""))


@group.command("checkpoint")
@click.option("--actor", default="operator", show_default=True, help="Who makes the checkpoint (audited).")
def checkpoint(actor: str) -> None:
    """Print a signed statement of every chain's head; keep it outside the system (see docs/operators.md)."""
    with transaction() as session:
        statement = checkpoints.make(session, actor)
    click.echo(json.dumps(statement, indent=1, sort_keys=True))


@group.command("seal")
@click.option("--actor", default="operator", show_default=True, help="Who seals (audited).")
def seal(actor: str) -> None:
    """Seal the rows stored before the trail was keyed; once, right after the upgrade."""
    with transaction() as session:
        counts = upgrade.seal_unsealed(session, actor)
    click.echo("sealed " + ", ".join(f"{count} {what.replace('_', ' ')}" for what, count in counts.items()))


@group.command("rotate-key")
def rotate_key() -> None:
    """Add a new key to the audit key ring and make it current; old keys stay to verify what they sealed."""
    try:
        key_id = keys.rotate()
    except keys.KeyRingError as exc:
        fail(exc.message)
    click.echo(f"new audit key {key_id} in {keys.ring().path}; restart every Kinerja process to use it")


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
