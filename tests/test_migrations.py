"""The Alembic migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

import engine.models  # noqa: F401  (registers the engine tables)
import workflows.models  # noqa: F401  (and the appraisal tables)
from engine.db import Base


def test_the_migrated_schema_matches_the_models(db_engine: Engine):
    with db_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
