"""`kinerja external-task list`: the open external tasks, the same query and JSON shape as the REST API."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from engine.runtime.external import external_queries
from engine.runtime.external.external_queries import Filter

from ..api.external_shapes import task_json
from . import dump, transaction

group = AppGroup("external-task", help="External tasks waiting for workers (camunda:type=\"external\").")


@group.command("list")
@click.option("--topic", help="Only tasks of this topic.")
@click.option("--worker", help="Only tasks locked by this worker id.")
@click.option("--incidents", is_flag=True, help="Only tasks whose retries ran out (an incident).")
@click.option("--limit", default=100, show_default=True)
@click.option("--offset", default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print Camunda's JSON shape (GET /external-task).")
def list_tasks(topic: str | None, worker: str | None, incidents: bool, limit: int, offset: int,
               as_json: bool) -> None:
    """List open external tasks, highest priority first, then oldest."""
    wanted = Filter(topic=topic, worker_id=worker, retries_left=False if incidents else None)
    with transaction() as session:
        total = external_queries.count_open(session, wanted)
        items = [task_json(item) for item in external_queries.open_tasks(session, wanted, limit, offset)]
    if as_json:
        dump({"total": total, "limit": limit, "offset": offset, "external_tasks": items})
        return
    for t in items:
        lock = f"{t['workerId']} until {t['lockExpirationTime']}" if t["workerId"] else "free"
        retries = "" if t["retries"] is None else f"\tretries {t['retries']}"
        error = f"\t{t['errorMessage']}" if t["errorMessage"] else ""
        click.echo(f"{t['id']}\t{t['topicName']}\t{t['activityId']}\tinstance {t['processInstanceId']} "
                   f"({t['businessKey']})\tpriority {t['priority']}\t{lock}{retries}{error}")
    click.echo(f"{total} open external task(s)", err=True)
