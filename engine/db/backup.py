"""A consistent copy of a live SQLite database through SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3

from sqlalchemy.engine import make_url


class BackupRefused(ValueError):
    """The database is not SQLite, or the target exists already."""


def backup_sqlite(url: str, target: str) -> int:
    """Copy the SQLite database at url into a new file target; return the pages copied.

    The backup API copies a consistent snapshot while other processes keep writing (a plain file copy
    of a WAL database can miss the transactions still in its -wal file).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise BackupRefused("only an SQLite file can be copied this way; back PostgreSQL up with pg_dump")
    if os.path.exists(target):
        raise BackupRefused(f"{target} exists already; a backup never overwrites a file")
    pages = 0

    def count(_status: int, _remaining: int, total: int) -> None:
        nonlocal pages
        pages = total

    source = sqlite3.connect(f"file:{parsed.database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        # Steps of 1,024 pages let writers in between, so a backup of a busy database does not block them.
        source.backup(copy, pages=1024, progress=count)
    finally:
        copy.close()
        source.close()
    return pages
