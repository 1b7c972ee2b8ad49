"""`kinerja task list|complete|claim|unclaim|reassign`: the same checks the web uses."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from engine.runtime.human_tasks import inbox, tasks

from . import dump, parse_json, transaction

group = AppGroup("task", help="Human tasks.")


@group.command("list")
@click.option("--user", help="Only tasks this user may work on or claim.")
@click.option("--group", "groups", multiple=True, help="A group of the user (repeatable).")
@click.option("--operators", "for_operators", is_flag=True,
              help="Only the tasks waiting for the operators group (no one else can take them).")
@click.option("--limit", default=100, show_default=True)
@click.option("--offset", default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON form.")
def list_tasks(user: str | None, groups: tuple[str, ...], for_operators: bool, limit: int, offset: int,
               as_json: bool) -> None:
    """List open tasks, soonest due first."""
    with transaction() as session:
        if for_operators:
            page = inbox.operator_tasks(session, limit=limit, offset=offset)
        elif user:
            page = inbox.open_tasks_for(session, user, groups, limit=limit, offset=offset)
        else:
            page = inbox.open_tasks(session, limit=limit, offset=offset)
        items = [inbox.task_dict(t) for t in page.items]
    if as_json:
        dump({"total": page.total, "limit": limit, "offset": offset, "tasks": items})
        return
    for t in items:
        who = t["assignee"] or t["claimed_by"] or ",".join(
            t["candidate_users"] + [f"group:{g}" for g in t["candidate_groups"]]) or "-"
        click.echo(f"{t['id']}\tinstance {t['instance_id']}\t{t['name']}\t{who}\t{t['due_at'] or ''}")
    click.echo(f"{page.total} open task(s)", err=True)


@group.command("complete")
@click.argument("task_id", type=int)
@click.option("--actor", required=True, help="The user completing the task.")
@click.option("--group", "groups", multiple=True, help="A group of the actor (repeatable).")
@click.option("--data", help="Form values as a JSON object.")
@click.option("--json", "as_json", is_flag=True, help="Print the result, or the refusal, as stable JSON.")
def complete(task_id: int, actor: str, groups: tuple[str, ...], data: str | None, as_json: bool) -> None:
    """Complete a task as a user, with form values."""
    values = parse_json(data)
    with transaction(as_json) as session:
        row = tasks.complete(session, task_id, actor, values, groups)
        instance_id = row.instance_id
    if as_json:
        dump({"task_id": task_id, "instance_id": instance_id, "state": "completed"})
    else:
        click.echo(f"task {task_id} completed; instance {instance_id}")


@group.command("claim")
@click.argument("task_id", type=int)
@click.option("--actor", required=True)
@click.option("--group", "groups", multiple=True, help="A group of the actor (repeatable).")
def claim(task_id: int, actor: str, groups: tuple[str, ...]) -> None:
    """Claim a candidate task."""
    with transaction() as session:
        tasks.claim(session, task_id, actor, groups)
    click.echo(f"task {task_id} claimed by {actor}")


@group.command("unclaim")
@click.argument("task_id", type=int)
@click.option("--actor", required=True)
def unclaim(task_id: int, actor: str) -> None:
    """Give a claimed task back to its candidates."""
    with transaction() as session:
        tasks.unclaim(session, task_id, actor, privileged=True)
    click.echo(f"task {task_id} unclaimed")


@group.command("reassign")
@click.argument("task_id", type=int)
@click.option("--to", "assignee", required=True, help="The new assignee.")
@click.option("--reason", required=True)
@click.option("--actor", default="operator", show_default=True)
def reassign(task_id: int, assignee: str, reason: str, actor: str) -> None:
    """Reassign a task to another user (operator action, with a reason)."""
    with transaction() as session:
        tasks.reassign(session, task_id, actor, assignee, reason, privileged=True)
    click.echo(f"task {task_id} reassigned to {assignee}")
