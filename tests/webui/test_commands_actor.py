"""Every operator command that takes --actor refuses a name the audit trail cannot store, writing nothing."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import func, select

from engine.models import AuditEvent, Base


def _actor_commands(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Return the command lines (group, subcommand...) of every command with an --actor option."""
    found = [path] if any(param.name == "actor" for param in command.params) else []
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            found += _actor_commands(sub, (*path, name))
    return found


def _rows(sessions: Any) -> dict[str, int]:
    with sessions() as session:
        return {table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in Base.metadata.sorted_tables}


def test_every_actor_option_refuses_a_name_longer_than_the_audit_column(cli, sessions):
    from webui import create_app
    commands = _actor_commands(create_app({"DATABASE_URL": "sqlite://"}).cli)
    assert ("org", "import") in commands and ("calendar", "add-holiday") in commands and len(commands) >= 15
    before = _rows(sessions)
    for command in commands:
        # --actor first: its check runs before the command's other arguments are even read.
        out = cli(*command, "--actor", "a" * 201, code=1)
        assert "error: the actor name is 201 characters long; at most 200 fit" in out, (command, out)
        assert "Traceback" not in out
    assert _rows(sessions) == before


def test_an_actor_name_that_fits_the_column_is_recorded(cli, sessions):
    cli("calendar", "add-holiday", "2027-12-24", "--name", "Cuti bersama Natal", "--actor", "b" * 200)
    with sessions() as session:
        assert session.execute(select(AuditEvent.actor)).scalars().all() == ["b" * 200]
