"""Fixtures of the authorization matrix: the stage once per worker, a shared app per module, clients per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from engine.clock import clock
from tests.demo_city import Browser, create_app_for_tests
from tests.webui.api_fixtures import ApiClient, issue_token
from tests.webui.rating_fixtures import Stage, build_stage, stage_app

from .cast import ROLES, Case
from .stage import case_of, to_matrix


@pytest.fixture(scope="session")
def matrix_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """The demo city at Reza's objection window with the matrix's extra accounts (built once per test worker)."""
    stages = build_stage(demo_template, tmp_path_factory.mktemp("authz"), "authz", to_matrix)
    stage = next(stages)
    clock.set(None)  # the tests set the stage's time themselves: other modules find the clock as it was
    yield stage
    next(stages, None)


@pytest.fixture(scope="module")
def shared_app(matrix_stage: Stage, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app on one copy of the stage for the module's tests that only read (looks are audited, no more)."""
    folder = tmp_path_factory.mktemp("authz-shared")
    copies = matrix_stage.copy(folder, f"authz-shared-{folder.name}")
    app = create_app_for_tests(next(copies), folder)
    app.test_client_class = Browser
    clock.set(matrix_stage.now)
    yield app
    with app.app_context():
        from webui.extensions import db
        db.engine.dispose()
    clock.set(None)
    next(copies, None)


@pytest.fixture
def app(matrix_stage: Stage, tmp_path: Path, make_app: Callable[..., Flask],
        request: pytest.FixtureRequest) -> Iterator[Flask]:
    """An app on this test's own copy of the stage, for tests that try to change state."""
    yield from stage_app(matrix_stage, tmp_path, make_app, request.node.nodeid)


def case_in(app: Flask) -> Case:
    """Return the stage's ids as the app's database holds them."""
    with app.app_context():
        from webui.extensions import db
        return case_of(db.session)


def sessions_of(app: Flask) -> dict[str, Browser]:
    """Return a browser per role, signed in (the signed-out one for anonim)."""
    app.test_client_class = Browser
    browsers: dict[str, Browser] = {}
    for key, username, _ in ROLES:
        browser: Browser = app.test_client()  # type: ignore[assignment]
        if username is not None:
            response = browser.sign_in(username)
            assert response.status_code == 302, (username, response.status_code)
        browsers[key] = browser
    return browsers


def tokens_of(app: Flask) -> dict[str, ApiClient]:
    """Return an API client per role holding a fresh token of its account (none for anonim)."""
    return {key: ApiClient(app.test_client(), issue_token(app, username) if username else None)
            for key, username, _ in ROLES}


@pytest.fixture(scope="module")
def case(shared_app: Flask) -> Case:
    """The ids the matrix's addresses use."""
    return case_in(shared_app)


@pytest.fixture(scope="module")
def browsers(shared_app: Flask) -> dict[str, Browser]:
    """A signed-in browser per role on the shared app."""
    return sessions_of(shared_app)


@pytest.fixture(scope="module")
def api_clients(shared_app: Flask) -> dict[str, ApiClient]:
    """A token-holding API client per role on the shared app."""
    return tokens_of(shared_app)
