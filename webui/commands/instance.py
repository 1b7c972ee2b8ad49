"""`kinerja instance start|show|retry|migrate|suspend|resume|terminate`."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from engine import audit
from engine.definitions import specs
from engine.models import Instance, SpecVersion
from engine.runtime.human_tasks import inbox
from engine.runtime.lifecycle import instances, migration_bulk

from . import dump, fail, parse_json, transaction

group = AppGroup("instance", help="Process instances.")


def instance_dict(instance: Instance, process_version: int, tasks: list[dict[str, Any]],
                  variables: dict[str, Any]) -> dict[str, Any]:
    """Return the stable JSON form of `instance show --json`."""
    def iso(moment: Any) -> str | None:
        return audit.json_safe(moment) if moment is not None else None
    return {
        "id": instance.id, "process_id": instance.process_id, "business_key": instance.business_key,
        "spec_version_id": instance.spec_version_id, "process_version": process_version,
        "status": instance.status, "status_reason": instance.status_reason, "error": instance.error,
        "version": instance.version, "next_timer_at": iso(instance.next_timer_at),
        "started_by": instance.started_by, "started_at": iso(instance.started_at),
        "updated_at": iso(instance.updated_at), "ended_at": iso(instance.ended_at),
        "tasks": tasks, "variables": audit.json_safe(variables),
    }


def _version(session: Session, spec_version_id: int) -> int:
    version = session.get(SpecVersion, spec_version_id)
    return version.version if version else 0


@group.command("start")
@click.argument("process_id")
@click.option("--key", "business_key", required=True, help="Business key, unique per process.")
@click.option("--data", help="Initial variables as a JSON object.")
@click.option("--actor", default="operator", show_default=True)
def start(process_id: str, business_key: str, data: str | None, actor: str) -> None:
    """Start the latest version of a process; print the instance id."""
    values = parse_json(data)
    with transaction() as session:
        version = specs.require_latest(session, process_id)
        instance = instances.start(session, version, values, business_key, actor)
        instance_id = instance.id
    click.echo(instance_id)


@group.command("show")
@click.argument("instance_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON form.")
def show(instance_id: int, as_json: bool) -> None:
    """Show status, version, open tasks and variables of an instance."""
    with transaction() as session:
        run = instances.load(session, instance_id)
        tasks = [inbox.task_dict(t) for t in inbox.open_tasks(session, instance_id=instance_id, limit=1000).items]
        value = instance_dict(run.instance, _version(session, run.instance.spec_version_id), tasks,
                              instances.variables(run))
    if as_json:
        dump(value)
        return
    click.echo(f"instance {value['id']}  {value['process_id']} v{value['process_version']}  "
               f"key={value['business_key']}  status={value['status']}  version={value['version']}")
    if value["error"]:
        error = value["error"]
        click.echo(f"  error in {error.get('bpmn_id')} (line {error.get('line')}): {error.get('message')}")
    if value["next_timer_at"]:
        click.echo(f"  next timer: {value['next_timer_at']}")
    for task in tasks:
        who = task["assignee"] or task["claimed_by"] or ",".join(
            task["candidate_users"] + [f"group:{g}" for g in task["candidate_groups"]]) or "-"
        fields = ", ".join(f["id"] for f in task["form"]["fields"])
        click.echo(f"  task {task['id']}: {task['name']} [{task['bpmn_id']}] -> {who}"
                   f"{'  due ' + task['due_at'] if task['due_at'] else ''}{'  fields: ' + fields if fields else ''}")
    click.echo("  variables: " + audit.canonical(value["variables"]))


@group.command("retry")
@click.argument("instance_id", type=int)
@click.option("--data", help="Corrected variables (JSON object) for the failed step.")
@click.option("--latest", is_flag=True, help="Move to the latest deployed version first (a fixed definition).")
@click.option("--actor", default="operator", show_default=True)
def retry(instance_id: int, data: str | None, latest: bool, actor: str) -> None:
    """Re-run the failed step of an instance in error."""
    values = parse_json(data)
    with transaction() as session:
        instance = instances.retry(session, instance_id, actor, values, latest=latest)
        status, version = instance.status, _version(session, instance.spec_version_id)
    click.echo(f"instance {instance_id} is now {status} (process version {version})")


@group.command("migrate")
@click.argument("instance_id", type=int, required=False)
@click.option("--version", type=int, help="Target version of one instance (default: the latest).")
@click.option("--process", "process_id", help="Move every unfinished instance of a version of this process.")
@click.option("--from-version", type=int, help="With --process: the version the instances run on.")
@click.option("--to-version", type=int, help="With --process: the version to move them to.")
@click.option("--dry-run", is_flag=True, help="With --process: only list which instances can move and why not.")
@click.option("--reason", default="", help="Why they move (required for a real bulk run; audited).")
@click.option("--actor", default="operator", show_default=True)
def migrate(instance_id: int | None, version: int | None, process_id: str | None, from_version: int | None,
            to_version: int | None, dry_run: bool, reason: str, actor: str) -> None:
    """Move an unfinished instance, or every one of a version (--process), to another deployed version."""
    if process_id is None:
        if instance_id is None:
            fail("give an INSTANCE_ID, or --process with --from-version and --to-version")
        with transaction() as session:
            instance = instances.move_to_version(session, instance_id, actor, version, reason or None)
            status, number = instance.status, _version(session, instance.spec_version_id)
        click.echo(f"instance {instance_id} is on version {number}, {status}")
        return
    if instance_id is not None or from_version is None or to_version is None:
        fail("--process needs --from-version and --to-version, and no INSTANCE_ID")
    if not dry_run and not reason.strip():
        fail("a bulk migration needs --reason TEXT (or --dry-run to only look)")
    with transaction() as session:
        result = migration_bulk.migrate_many(session, process_id, from_version, to_version, actor, reason,
                                             dry_run)
    verb = ("can move", "cannot move") if dry_run else ("moved", "not moved")
    for outcome in result.outcomes:
        state = verb[0] if outcome.movable else f"{verb[1]}: {outcome.why_not}"
        click.echo(f"instance {outcome.instance_id} ({outcome.business_key}, {outcome.status}): {state}")
    click.echo(f"{process_id} v{from_version} -> v{to_version}: {len(result.movable)} {verb[0]}, "
               f"{len(result.refused)} {verb[1]}" + (" (dry run: nothing changed)" if dry_run else ""))


def _status_command(name: str, needs_reason: bool) -> None:
    @group.command(name)
    @click.argument("instance_id", type=int)
    @click.option("--reason", required=needs_reason, default="")
    @click.option("--actor", default="operator", show_default=True)
    def command(instance_id: int, reason: str, actor: str) -> None:
        with transaction() as session:
            instance = getattr(instances, name)(session, instance_id, actor, reason)
            status = instance.status
        click.echo(f"instance {instance_id} is now {status}")
    command.__doc__ = f"{name.capitalize()} an instance" + (" (with a reason)." if needs_reason else ".")


_status_command("suspend", True)
_status_command("resume", False)
_status_command("terminate", True)
