"""Values checked against their column's length before they are written, on every database.

PostgreSQL refuses a value longer than its VARCHAR with a raw StringDataRightTruncation that rolls the
whole step back; SQLite stores it silently. An assignee computed by an expression, a task name or a
business key can be any length, so each is checked here first, against the lengths the models declare,
and a value that does not fit is named with its column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import String, Table

from engine.errors import InvalidInput

#: Characters of a refused value quoted in its message (the rest is counted, not shown).
PREVIEW = 60


class ValueTooLong(InvalidInput):
    """A value is longer than the column that must hold it."""

    code = "value_too_long"


@lru_cache(maxsize=64)
def lengths_of(table: Table) -> dict[str, int]:
    """Return the declared length of each length-limited text column of a table."""
    return {column.name: column.type.length for column in table.columns
            if isinstance(column.type, String) and column.type.length}


def check_row(table: Table, row: Mapping[str, Any], columns: Iterable[str] | None = None) -> None:
    """Raise ValueTooLong naming the first value of row (among columns, default all) too long for its column."""
    limits = lengths_of(table)
    for name in (columns if columns is not None else row.keys()):
        value, limit = row.get(name), limits.get(name)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            raise too_long(table, name, value, limit)


def check_value(table: Table, column: str, value: Any) -> None:
    """Raise ValueTooLong when one value is too long for a column of a table."""
    check_row(table, {column: value}, (column,))


def too_long(table: Table, column: str, value: str, limit: int) -> ValueTooLong:
    """Return the refusal of a value too long for its column, quoting its start."""
    shown = value if len(value) <= PREVIEW else value[:PREVIEW] + "…"
    return ValueTooLong(f"the value '{shown}' ({len(value)} characters) is too long for {table.name}.{column}, "
                        f"which holds at most {limit}", table=table.name, column=column, length=len(value),
                        limit=limit)
