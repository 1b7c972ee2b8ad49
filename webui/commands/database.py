"""`kinerja db upgrade`: create or update the schema through Alembic."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from engine.db import upgrade as alembic_upgrade

group = AppGroup("db", help="Database schema.")


@group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
def upgrade(revision: str) -> None:
    """Create or update the schema (SQLite or PostgreSQL)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    alembic_upgrade(url, revision)
    click.echo(f"database at {url.split('@')[-1]} is at revision {revision}")
