"""Test database: SQLite by default, PostgreSQL when KINERJA_TEST_DATABASE_URL says so."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from engine.audit import keys
from engine.clock import clock
from engine.db import Base, make_engine, make_sessionmaker, upgrade
from engine.runtime.events import timers

#: The demo city in its own database per test (web and browser tests), built once per worker.
pytest_plugins = ["tests.demo_city"]

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
#: The files as Camunda Modeler saves them (kept in the repository, so a lone clone runs the suite).
EXAMPLES = ROOT / "bpmn" / "examples"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the test database URL, migrated to head once per run (per xdist worker)."""
    url = os.environ.get("KINERJA_TEST_DATABASE_URL")
    if url:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if worker:  # one schema per xdist worker on a shared server
            url = _worker_database(url, worker)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "kinerja-test.db")
    upgrade(url)
    return url


def _worker_database(url: str, worker: str) -> str:
    base, _, name = url.rpartition("/")
    worker_url = f"{base}/{name}_{worker}"
    admin = make_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}_{worker}"'))
        conn.execute(text(f'CREATE DATABASE "{name}_{worker}"'))
    admin.dispose()
    return worker_url


@pytest.fixture(scope="session")
def db_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(db_engine: Engine) -> Iterator[Callable[[], Session]]:
    """Yield a session factory; every table is emptied after the test."""
    factory = make_sessionmaker(db_engine)
    yield factory
    with db_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def session(sessions: Callable[[], Session]) -> Iterator[Session]:
    """Yield one session; tests commit between steps as the CLI and web do."""
    with sessions() as s:
        yield s
        s.rollback()


@pytest.fixture(scope="session", autouse=True)
def _audit_key_ring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Keep the audit key ring of the run in a temporary folder (created with a first key on first use)."""
    path = str(tmp_path_factory.mktemp("audit-keys") / "audit.keys")
    os.environ["KINERJA_AUDIT_KEY_FILE"] = path
    keys.configure(path)
    yield path
    keys.configure(None)
    os.environ.pop("KINERJA_AUDIT_KEY_FILE", None)


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.set(None)


@pytest.fixture(autouse=True)
def _reset_resolver() -> Iterator[None]:
    """Start and end every test with the engine's default resolver and operators group.

    create_app installs the lane resolver; a session- or module-scoped fixture that creates an app (the demo
    city's template) runs before this one, so restoring "what was there before" would leak it to later tests.
    """
    from engine.config import Defaults
    from engine.runtime.human_tasks.assignment import AttributeResolver, set_operators_group, set_resolver
    set_resolver(AttributeResolver())
    set_operators_group(Defaults.OPERATORS_GROUP)
    yield
    set_resolver(AttributeResolver())
    set_operators_group(Defaults.OPERATORS_GROUP)


@pytest.fixture(autouse=True)
def _reset_limits() -> Iterator[None]:
    """End every test with the default sandbox and data limits: an app made with small ones must not leak them."""
    yield
    from dataclasses import asdict

    from engine.config import Defaults
    from engine.data_limits import DataLimits, set_data_limits
    from engine.sandbox import set_sandbox_limits
    set_sandbox_limits(asdict(Defaults()))
    set_data_limits(DataLimits())


def read_fixture(*names: str) -> dict[str, bytes]:
    """Return {name: bytes} of files under tests/fixtures/."""
    return {Path(n).name: (FIXTURES / n).read_bytes() for n in names}


@pytest.fixture
def cli(database_url: str, sessions: Any) -> Callable[..., str]:
    """Run `kinerja` commands on the test database; assert the exit code and return the output."""
    from webui import create_app
    app = create_app({"DATABASE_URL": database_url})

    def invoke(*args: str, code: int = 0) -> str:
        result = app.test_cli_runner().invoke(args=list(args))
        assert result.exit_code == code, result.output
        return result.output
    return invoke


@pytest.fixture
def deploy(session: Session) -> Callable[..., Any]:
    """Deploy fixture files (paths under tests/fixtures/) and commit; return {process_id: SpecVersion}."""
    from engine.definitions import specs

    def _deploy(*names: str, files: dict[str, bytes] | None = None, actor: str = "tester") -> dict[str, Any]:
        results = specs.deploy(session, files or read_fixture(*names), actor)
        session.commit()
        return {r.spec_version.process_id: r.spec_version for r in results}
    return _deploy


def worker_pass(session: Session, now: datetime) -> list[int]:
    """One worker pass as of now, one transaction per instance as `kinerja worker` does."""
    clock.set(now)
    fired = []
    for instance_id in timers.due_instance_ids(session, now):
        if timers.fire_due(session, instance_id, now):
            fired.append(instance_id)
        session.commit()
    return fired
