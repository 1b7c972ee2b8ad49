"""A backup of the demo city, restored into a fresh database, passes `kinerja audit verify`, with its key ring only."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from engine.audit import keys
from engine.db import make_engine


def _verify(app: Flask) -> tuple[int, str]:
    """Run `kinerja audit verify` in app; return its exit code and output."""
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


@pytest.fixture
def run_key_ring() -> Iterator[None]:
    """Give the run's key ring back after a test that opened an app on another one."""
    yield
    keys.configure(os.environ["KINERJA_AUDIT_KEY_FILE"])


def _sqlite_restore(demo_url: str, make_app: Callable[..., Flask], tmp_path: Path) -> str:
    """Back the demo up with `kinerja db backup` and return the URL of the copy (SQLite's restore is the file)."""
    backup = tmp_path / "backup" / "kinerja.db"
    backup.parent.mkdir()
    out = make_app(demo_url).test_cli_runner().invoke(args=["db", "backup", str(backup)])
    assert out.exit_code == 0 and "backed up" in out.output, out.output
    return f"sqlite:///{backup}"


def _pg_restore(demo_url: str, tmp_path: Path) -> Iterator[str]:
    """pg_dump the demo in custom format, pg_restore it into a new database; yield its URL, drop it after."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        if os.environ.get("CI"):
            pytest.fail("pg_dump and pg_restore are needed to prove PostgreSQL backups in CI")
        pytest.skip("pg_dump and pg_restore are not installed")
    source = make_url(demo_url)
    libpq = source.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "kinerja.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), libpq], check=True)
    fresh = f"{source.database}_restored"
    admin = make_engine(source.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{fresh}"'))
    target = source.set(database=fresh)
    restore = ["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
               target.set(drivername="postgresql").render_as_string(hide_password=False), str(dump)]
    subprocess.run(restore, check=True)
    yield target.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def restored(demo_url: str, make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a backup of the demo city restored into a fresh database (the demo's own kind)."""
    if demo_url.startswith("sqlite"):
        yield _sqlite_restore(demo_url, make_app, tmp_path)
    else:
        yield from _pg_restore(demo_url, tmp_path)


def test_a_restored_backup_passes_audit_verify(restored, demo_url, make_app):
    code, out = _verify(make_app(restored))
    assert code == 0, out
    assert "audit trail intact" in out
    with make_engine(restored).connect() as copy, make_engine(demo_url).connect() as original:
        count = "SELECT count(*) FROM audit_event"
        assert copy.execute(text(count)).scalar() == original.execute(text(count)).scalar() > 0


def test_a_restored_backup_without_its_key_ring_is_reported(restored, make_app, tmp_path, run_key_ring):
    other_ring = tmp_path / "elsewhere" / "audit.keys"
    other_ring.parent.mkdir()
    code, out = _verify(make_app(restored, AUDIT_KEY_FILE=str(other_ring)))
    assert code == 1
    assert "BROKEN" in out and "audit trail intact" not in out


def test_backup_refuses_to_overwrite_a_file(make_app, tmp_path):
    live = tmp_path / "live.db"
    make_engine(f"sqlite:///{live}").connect().close()
    existing = tmp_path / "kinerja.db"
    existing.write_bytes(b"yesterday's backup")
    result = make_app(f"sqlite:///{live}").test_cli_runner().invoke(args=["db", "backup", str(existing)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert existing.read_bytes() == b"yesterday's backup"


def test_backup_points_postgresql_to_pg_dump(make_app, tmp_path):
    app = make_app("postgresql+psycopg://kinerja@127.0.0.1:1/kinerja")
    result = app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "pg_dump" in result.output
    assert not (tmp_path / "x.db").exists()


def test_backup_copies_what_is_committed_while_a_writer_is_busy(make_app, tmp_path):
    live = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    with live.begin() as conn:
        conn.execute(text("CREATE TABLE note (body TEXT)"))
        conn.execute(text("INSERT INTO note VALUES ('committed')"))
    writer = live.connect()
    writer.begin()
    writer.execute(text("INSERT INTO note VALUES ('in flight')"))  # holds SQLite's write lock meanwhile
    result = make_app(str(live.url)).test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "copy.db")])
    writer.commit()
    writer.close()
    assert result.exit_code == 0, result.output
    with make_engine(f"sqlite:///{tmp_path / 'copy.db'}").connect() as copy:
        assert copy.execute(text("SELECT body FROM note")).scalars().all() == ["committed"]
    live.dispose()
