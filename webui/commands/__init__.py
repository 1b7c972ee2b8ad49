"""Operator commands; each commits once, prints a clear message and exits 1 on refusal."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
from flask import Flask
from sqlalchemy.orm import Session

from engine import data_limits
from engine.errors import FormInvalid, KinerjaError
from engine.models import AuditEvent

from ..extensions import db


def register(app: Flask) -> None:
    """Add every command group to the app's CLI."""
    from . import audit, bpmn, cycle, database, demo, instance, task, worker
    for group in (database.group, bpmn.group, instance.group, task.group, audit.group):
        app.cli.add_command(group)
    app.cli.add_command(worker.worker)
    app.cli.add_command(demo.demo)
    app.cli.add_command(cycle.group)
    from . import org, report
    app.cli.add_command(org.group)
    from . import calendar
    app.cli.add_command(calendar.group)
    from . import consent
    app.cli.add_command(consent.group)
    app.cli.add_command(report.group)
    from . import translations
    app.cli.add_command(translations.group)
    from . import user
    app.cli.add_command(user.group)
    from . import notifications
    app.cli.add_command(notifications.group)
    from . import external_task
    app.cli.add_command(external_task.group)
    guard_actors(app.cli)


def check_actor(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse an --actor value the audit trail cannot store, before the command touches anything."""
    longest = AuditEvent.__table__.c.actor.type.length
    if value is not None and len(value) > longest:
        fail(f"the actor name is {len(value)} characters long; at most {longest} fit")
    return value


def guard_actors(command: click.Command) -> None:
    """Give every --actor option of command and of its subcommands the length check."""
    for param in command.params:
        if param.name == "actor" and param.callback is None:
            param.callback = check_actor
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            guard_actors(sub)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error to stderr and exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def parse_json(text: str | None) -> dict[str, Any]:
    """Parse a --data option: a JSON object."""
    if not text:
        return {}
    try:
        value = data_limits.parse_json(text)
        if not isinstance(value, dict):
            fail("--data must be a JSON object")
        data_limits.check_data(value)
    except FormInvalid as refused:
        fail("; ".join(f"--data{'/' + item['path'] if item['path'] else ''}: {item['message']}"
                       for item in refused.items))
    except data_limits.DataTooLarge as refused:
        fail(f"--data: {refused.message}")
    return value


@contextmanager
def transaction(as_json: bool = False) -> Iterator[Session]:
    """Yield the session; commit on success, roll back and report a KinerjaError as a refusal.

    With as_json the refusal is printed as its stable JSON form on stdout instead (`form_invalid` lists
    every error as {path, code, message}), for scripts and the web.
    """
    session = db.session
    try:
        yield session
        session.commit()
    except KinerjaError as exc:
        session.rollback()
        if as_json:
            dump(exc.to_dict())
        else:
            for line in _error_lines(exc):
                click.echo(line, err=True)
        sys.exit(1)
    except BaseException:
        session.rollback()
        raise


def _error_lines(exc: KinerjaError) -> list[str]:
    problems = getattr(exc, "problems", None)
    if problems:
        return [str(p) for p in problems]
    errors = getattr(exc, "errors", None)
    if errors:
        return [f"error: {field}: {e['message']}" for field, errs in errors.items() for e in errs]
    return [f"error: {exc.message}"]


def dump(value: Any) -> None:
    """Print stable, indented JSON."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str))
