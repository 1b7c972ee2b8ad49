"""`kinerja db upgrade` and `kinerja db backup`: the schema through Alembic, and an online copy of SQLite."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from engine.db import upgrade as alembic_upgrade
from engine.db.backup import BackupRefused, backup_sqlite

group = AppGroup("db", help="Database schema.")


@group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
def upgrade(revision: str) -> None:
    """Create or update the schema (SQLite or PostgreSQL)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    alembic_upgrade(url, revision)
    click.echo(f"database at {url.split('@')[-1]} is at revision {revision}")


@group.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup(target: str) -> None:
    """Copy the SQLite database into a new file while it is in use (PostgreSQL: pg_dump)."""
    try:
        pages = backup_sqlite(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except BackupRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backed up {pages} page(s) into {target}")
