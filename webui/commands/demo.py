"""`kinerja demo`: deploy bpmn/ and start a few instances so a fresh machine has something to show."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext

from engine import specs
from engine.clock import clock
from engine.validation import read_paths

from . import transaction

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Deploy the process definitions in bpmn/ and start example instances (idempotent)."""
    from engine import instances
    files = read_paths([str(BPMN_DIR)])
    with transaction() as session:
        results = specs.deploy(session, files, "demo")
        for result in results:
            click.echo(f"{result.spec_version.process_id}: version {result.spec_version.version}"
                       f"{' (new)' if result.created else ''}")
        training = {r.spec_version.process_id: r.spec_version for r in results}.get("izin_pelatihan")
        if training is not None:
            due = (clock.now() + timedelta(days=10)).isoformat()
            for nip, reviewer in (("198503152010011001", "197001011995031002"),
                                  ("199001012015032004", "197001011995031002")):
                instance = instances.start(session, training, {"pegawai": nip, "penilai": reviewer,
                                                               "batas_tinjau": due},
                                           f"demo-pelatihan-{nip}", "demo")
                click.echo(f"izin_pelatihan instance {instance.id} for {nip} ({instance.status})")
