"""`kinerja bpmn validate|deploy PATH...`, `kinerja bpmn diff FILE`: check, deploy and compare BPMN/DMN files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from engine.definitions import diff as definition_diff
from engine.definitions import specs
from engine.definitions.validation import read_paths
from engine.definitions.validation import validate as validate_files
from engine.definitions.xmlsafe import XmlRefused

from . import fail, transaction

group = AppGroup("bpmn", help="Process definitions (BPMN 2.0 / DMN 1.3, Camunda 7 dialect).")

#: The project's own processes: validated in the strict profile unless --no-strict says otherwise.
PROJECT_BPMN = Path(__file__).resolve().parents[2] / "bpmn"

strict_option = click.option(
    "--strict/--no-strict", default=None,
    help="Refuse user tasks no lane or assignee names (default: on for the project's bpmn/ folder, "
         "off for other files, where such a task goes to the operators group).")


def is_strict(paths: tuple[str, ...], strict: bool | None) -> bool:
    """Return the profile: as asked, else strict when a path lies in the project's bpmn/ folder."""
    if strict is not None:
        return strict
    return any(Path(path).resolve().is_relative_to(PROJECT_BPMN) for path in paths)


def _read(paths: tuple[str, ...]) -> dict[str, bytes]:
    try:
        files = read_paths(list(paths))
    except OSError as exc:
        fail(str(exc))
    if not files:
        fail("no .bpmn or .dmn file found in " + ", ".join(paths))
    return files


@group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@strict_option
def validate(paths: tuple[str, ...], strict: bool | None) -> None:
    """Check files the way deploy does; print FILE:LINE: message lines; exit 1 on any problem."""
    files = _read(paths)
    checked, problems = validate_files(files, max_bytes=current_app.config["KINERJA_MAX_BPMN_BYTES"],
                                       strict=is_strict(paths, strict))
    for problem in problems:
        click.echo(str(problem))
    if problems or checked is None:
        click.echo(f"{len(problems)} problem(s) in {len(files)} file(s)", err=True)
        sys.exit(1)
    click.echo(f"{len(files)} file(s) valid; executable processes: {', '.join(checked.process_ids)}")


@group.command("deploy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--actor", default="operator", show_default=True, help="Who deploys (recorded in the audit trail).")
@strict_option
def deploy(paths: tuple[str, ...], actor: str, strict: bool | None) -> None:
    """Validate and store a new version of every changed executable process."""
    files = _read(paths)
    with transaction() as session:
        results = specs.deploy(session, files, actor, max_bytes=current_app.config["KINERJA_MAX_BPMN_BYTES"],
                               strict=is_strict(paths, strict))
    for result in results:
        version = result.spec_version
        state = "deployed" if result.created else "unchanged, already deployed as"
        click.echo(f"{version.process_id}: {state} version {version.version} (sha256 {version.sha256[:12]})")


def print_diff(result: definition_diff.ProcessDiff) -> None:
    """Print a process diff: one line per element, then one indented line per changed property."""
    if result.empty:
        click.echo(f"{result.process_id}: no changes")
        return
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for change in result.changes:
        name = f" \"{change.name}\"" if change.name else ""
        click.echo(f"{marks[change.kind]} {change.element_type} {change.element_id}{name} ({change.kind})")
        for prop in change.properties:
            click.echo(f"    {prop.name}: {prop.old if prop.old is not None else '(none)'} -> "
                       f"{prop.new if prop.new is not None else '(none)'}")
    counts = ", ".join(f"{len(result.of_kind(kind))} {kind}" for kind in ("added", "removed", "changed"))
    click.echo(f"{result.process_id}: {counts}")


@group.command("diff")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--process", "process_id", required=True, help="The process id to compare.")
@click.option("--version", type=int, help="The deployed version to compare with (default: the latest).")
def diff(path: str, process_id: str, version: int | None) -> None:
    """Show what FILE would change in a deployed process: elements added, removed and changed."""
    data = Path(path).read_bytes()
    try:
        with transaction() as session:
            result = definition_diff.diff_upload(session, process_id, data, version, Path(path).name)
    except XmlRefused as exc:
        fail(f"{path}:{exc.line or 1}: {exc.message}")
    print_diff(result)
