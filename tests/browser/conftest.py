"""Browser test fixtures: the app on a per-test copy of the demo city served live, and Debian's chromium.

Playwright for Python drives /usr/bin/chromium (or $KINERJA_CHROMIUM); it never downloads a browser. Without
chromium the tests are skipped, except under CI=true, where a missing browser is a failure (`make browser`
installs it). One browser per test session; each test gets its own server, database copy and browser context.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from .helpers import BrowserProblems, sign_in, watch

CHROMIUM = os.environ.get("KINERJA_CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config: pytest.Config) -> None:
    """Register the `browser` marker (`-m "not browser"` leaves these tests out)."""
    config.addinivalue_line("markers", "browser: drives chromium through Playwright against a live server")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder that uses chromium as a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents and "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    """Skip locally, fail under CI: a CI run must never silently lose its browser tests."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: browser tests must run; `make browser` installs chromium)")
    pytest.skip(f"{reason}; `make browser` installs it")


@dataclass
class LiveServer:
    """A running server of the app: its base URL and the app (for database checks)."""

    url: str
    app: Flask


@pytest.fixture
def live_server(demo_url: str, make_app: Callable[..., Flask]) -> Iterator[LiveServer]:
    """Serve the app on this test's copy of the demo city with werkzeug, threaded, on a free port."""
    app = make_app(demo_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the whole session."""
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=["--no-sandbox", "--disable-dev-shm-usage"])
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[[], Any]]:
    """Return a factory of pages, each in a browser context of its own (own cookies: one user each).

    Console errors that mention the Content Security Policy and uncaught page errors fail the test: an inline
    script or handler that the CSP blocks would otherwise go unnoticed while the page silently misbehaves.
    """
    contexts: list[Any] = []
    problems: list[BrowserProblems] = []

    def open_page() -> Any:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems.append(watch(page))
        return page

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()
    errors = [error for found in problems for error in found.errors]
    assert not errors, "browser errors:\n" + "\n".join(errors)


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    """A page on the live server at desktop size, in a fresh browser context (signed out)."""
    return new_page()


@pytest.fixture
def visit(browser: Any, tmp_path: Path, make_app: Callable[..., Flask],
          request: pytest.FixtureRequest) -> Iterator[Callable[[Any, str], tuple[Any, Flask]]]:
    """Return visit(stage, username): a page signed in on a live server of this test's copy of the stage."""
    opened: list[tuple[Any, Any, Any, Any]] = []

    def open_as(stage: Any, username: str) -> tuple[Any, Flask]:
        from tests.webui.rating_fixtures import stage_app
        copies = stage_app(stage, tmp_path, make_app, request.node.nodeid)
        app = next(copies)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        context = browser.new_context(base_url=f"http://127.0.0.1:{server.server_port}",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        opened.append((copies, server, context, watch(page)))
        sign_in(page, username)
        return page, app

    yield open_as
    for copies, server, context, problems in opened:
        context.close()
        server.shutdown()
        next(copies, None)
        assert not problems.errors, "browser errors:\n" + "\n".join(problems.errors)
