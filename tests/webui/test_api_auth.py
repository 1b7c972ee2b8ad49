"""API authentication: only a valid bearer token opens the API; errors are JSON; no cookies, no CSRF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.demo_city import Browser
from tests.webui.api_fixtures import ApiClient, api_for, issue_token
from tests.webui.auth_fixtures import set_forced_change
from webui.extensions import db
from workflows.organisation.demo_org import EMPLOYEES
from workflows.signin import accounts, api_tokens

NIP = EMPLOYEES[-1][0]


def unauthorized(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Set-Cookie" not in response.headers


def test_a_token_acts_as_its_account(app: Flask) -> None:
    response = api_for(app, NIP).get("/api/v1/me")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    body = response.get_json()
    assert body["username"] == NIP and body["name"] == EMPLOYEES[-1][1]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer knj_not-a-real-token", "Basic dXNlcjpwYXNz",
                                    "knj_x"])
def test_no_token_or_a_bad_one_is_refused(client: FlaskClient, header: str | None) -> None:
    unauthorized(client.get("/api/v1/me", headers={"Authorization": header} if header else {}))


def test_a_revoked_token_and_a_disabled_account_are_refused(app: Flask) -> None:
    secret = issue_token(app, NIP)
    other = issue_token(app, "inspektorat")
    client = app.test_client()
    assert ApiClient(client, secret).get("/api/v1/me").status_code == 200
    with app.app_context():
        token = api_tokens.tokens_of(db.session, accounts.account_by_username(db.session, NIP))[0]
        api_tokens.revoke(db.session, token.id, "operator")
        accounts.set_active(db.session, "inspektorat", False, "operator")
        db.session.commit()
    unauthorized(ApiClient(client, secret).get("/api/v1/me"))
    unauthorized(ApiClient(client, other).get("/api/v1/me"))


def test_a_signed_in_browser_session_is_no_api_credential(as_user: Callable[[str], Browser]) -> None:
    unauthorized(as_user(NIP).get("/api/v1/me"))


def test_unknown_paths_and_methods_answer_in_json(app: Flask) -> None:
    api = api_for(app, NIP)
    missing = api.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    wrong = api.post("/api/v1/me", json={})
    assert wrong.status_code == 405 and wrong.get_json()["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"]


def test_a_token_works_while_the_accounts_password_must_still_be_changed(app: Flask, demo_url: str,
                                                                        as_user: Callable[[str], Browser]) -> None:
    # The operator hands out a token for a system; the account's pending password change is the web's matter,
    # even in a browser whose session is held on the password page.
    set_forced_change(demo_url, NIP)
    browser = as_user(NIP)
    assert browser.get("/").status_code == 302
    response = ApiClient(browser, issue_token(app, NIP)).get("/api/v1/tasks")
    assert response.status_code == 200 and "items" in response.get_json()


def test_an_internal_fault_answers_json_500_without_internals(demo_url: str, make_app: Callable[..., Flask],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(demo_url, PROPAGATE_EXCEPTIONS=False)
    api = api_for(app, NIP)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")
    monkeypatch.setattr("engine.runtime.human_tasks.inbox.open_tasks_for", broken)
    response = api.get("/api/v1/tasks")
    assert response.status_code == 500 and response.get_json()["code"] == "internal_error"
    assert "secret internals" not in response.get_data(as_text=True)
