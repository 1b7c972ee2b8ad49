"""Web and browser test fixtures (a plugin of tests/conftest.py): the demo city per test, the app, clients.

The demo city (organisation, accounts, bpmn/ deployed, the 2027 cycle opened on 4 January 2027) is built
once per test worker into a template database; each test gets a copy (a file copy on SQLite, CREATE
DATABASE ... TEMPLATE on PostgreSQL), so tests may change it freely.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from engine.clock import clock
from engine.db import make_engine, upgrade
from workflows.organisation.demo_org import demo_password

#: The demo's "today": the first working Monday of 2027, SKP drafting open.
T0 = datetime(2027, 1, 4, 1, 0, tzinfo=UTC)
YEAR = 2027
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _server_url() -> str | None:
    return os.environ.get("KINERJA_TEST_DATABASE_URL")


def _build_demo(url: str) -> None:
    from webui import create_app
    upgrade(url)
    clock.set(T0)
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    result = app.test_cli_runner().invoke(args=["demo", "--year", str(YEAR)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from webui.extensions import db
        from workflows.signin.accounts import clear_forced_change
        clear_forced_change(db.session)  # demo accounts sign in straight to their pages in tests
        db.session.commit()
        db.engine.dispose()
    clock.set(None)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of the template database holding the demo city (built once per worker)."""
    server = _server_url()
    if not server:
        path = tmp_path_factory.mktemp("demo") / "demo-template.db"
        _build_demo(f"sqlite:///{path}")
        return f"sqlite:///{path}"
    base, _, name = server.rpartition("/")
    template = f"{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_demo"
    _create_database(base, template)
    _build_demo(f"{base}/{template}")
    return f"{base}/{template}"


def _create_database(base: str, name: str, template: str | None = None) -> None:
    """(Re)create a PostgreSQL database on the server at base, empty or as a copy of template."""
    admin = make_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()


def database_copy(template_url: str, folder: Path, name: str) -> Iterator[str]:
    """Yield the URL of a copy of a template database (a file in folder, or a PostgreSQL database); drop it after."""
    if template_url.startswith("sqlite"):
        copy = folder / (re.sub(r"[^\w.-]", "_", name)[-80:] + ".db")
        shutil.copy(template_url.removeprefix("sqlite:///"), copy)
        yield f"sqlite:///{copy}"
        return
    base, _, template = template_url.rpartition("/")
    copy_name = f"{template}_{abs(hash(name)) % 10**8}"
    _create_database(base, copy_name, template)
    yield f"{base}/{copy_name}"
    admin = make_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def demo_url(demo_template: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Yield the URL of this test's own copy of the demo city."""
    yield from database_copy(demo_template, tmp_path, f"demo-{request.node.nodeid}")


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Return a factory of apps on a database URL with test settings (the clock at the demo's T0)."""
    apps: list[Flask] = []

    def make(url: str, **overrides: Any) -> Flask:
        clock.set(T0)
        app = create_app_for_tests(url, tmp_path, **overrides)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            from webui.extensions import db
            db.engine.dispose()


def create_app_for_tests(url: str, tmp_path: Path, **overrides: Any) -> Flask:
    """Create the app on url with the settings tests use (CSRF stays on: tests post the real token)."""
    from webui import create_app
    settings = {"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test-secret", "INSTANCE_PATH": str(tmp_path),
                "RATELIMIT_STORAGE_URI": "memory://"}
    settings.update(overrides)
    return create_app(settings)


@pytest.fixture
def app(demo_url: str, make_app: Callable[..., Flask]) -> Flask:
    """The app on this test's copy of the demo city."""
    return make_app(demo_url)


class Browser(FlaskClient):
    """A test client that knows the CSRF token of its session and can sign in."""

    def csrf(self, path: str = "/masuk") -> str:
        """Return the CSRF token of the session (read from a page's form)."""
        page = self.get(path).get_data(as_text=True)
        found = _CSRF.search(page)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post_form(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Post a form with the session's CSRF token, as the browser would."""
        token = self.csrf(kwargs.pop("token_page", path))
        return self.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)

    def sign_in(self, username: str, password: str | None = None) -> Any:
        """Sign in with the demo password of username (or the given one); return the response."""
        return self.post_form("/masuk", {"username": username, "password": password or demo_password(username)})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A signed-out browser-like client of the demo app."""
    app.test_client_class = Browser
    return app.test_client()


@pytest.fixture
def as_user(app: Flask) -> Callable[[str], Browser]:
    """Return a factory: a client signed in as a demo account (username = NIP for employees)."""
    app.test_client_class = Browser

    def sign_in(username: str, password: str | None = None) -> Browser:
        browser: Browser = app.test_client()  # type: ignore[assignment]
        response = browser.sign_in(username, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return browser

    return sign_in
