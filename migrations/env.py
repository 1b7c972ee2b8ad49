"""Alembic environment: migrations run against the engine and domain metadata."""

from __future__ import annotations

from alembic import context

from engine.db import Base, make_engine
import engine.models  # noqa: F401  (registers the engine tables)

try:  # the appraisal domain adds its tables when present
    import workflows.models  # noqa: F401
except ImportError:
    pass

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write engine.models.UTCDateTime as the plain column type it stores (a timezone-aware DateTime)."""
    if type_ == "type" and isinstance(obj, engine.models.UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not set"
    connectable = make_engine(url)
    with connectable.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch mode drops and recreates a table to change its columns; with foreign keys on, SQLite
            # refuses to drop a table other rows point to. Off outside any transaction (a no-op inside).
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite", render_item=render_item)
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()


run_migrations()
