"""Every route of the app against every role, as docs/authorization.md (made from table.py) says."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.demo_city import Browser
from tests.webui.api_fixtures import ApiClient

from .calls import call, outcome
from .cast import ROLE_KEYS, Case
from .document import DOCUMENT, render
from .routes import PATHS, fill, is_api
from .table import RULES, SIGN_IN, UNAUTHORIZED, Rule


def test_every_route_of_the_app_has_a_row_in_the_table(shared_app: Flask) -> None:
    """A new route without an expectation fails here: that is what keeps the table complete."""
    routes = {(rule.endpoint, method) for rule in shared_app.url_map.iter_rules()
              for method in rule.methods or () if method not in ("HEAD", "OPTIONS")}
    rows = [(rule.endpoint, rule.method) for rule in RULES]
    assert len(rows) == len(set(rows)), "a route has two rows"
    assert routes - set(rows) == set(), "routes without a row in tests/webui/authz/table.py"
    assert set(rows) - routes == set(), "rows of routes the app no longer has"
    assert set(PATHS) == set(rows)


def test_the_document_is_generated_from_the_table() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(), \
        "docs/authorization.md is out of date: run python -m tests.webui.authz.document"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.method}-{r.endpoint}")
def test_each_role_gets_what_the_table_says(rule: Rule, case: Case, browsers: dict[str, Browser],
                                            api_clients: dict[str, ApiClient]) -> None:
    url = fill(rule.path, case)
    wrong = []
    for role in ROLE_KEYS:
        expected = rule.expected(role)
        if expected == "ok" and not rule.call_allowed:
            continue
        response = call(rule, url, role, browsers[role], api_clients[role])
        got = outcome(response)
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got} ({response.status_code})")
    assert wrong == [], f"{rule.method} {url}"


@pytest.mark.parametrize("rule", [r for r in RULES if r.method == "GET" and r.expected("admin") == "ok"],
                         ids=lambda r: r.endpoint)
def test_a_session_opens_no_api_and_a_token_no_page(rule: Rule, case: Case, browsers: dict[str, Browser],
                                                   api_clients: dict[str, ApiClient]) -> None:
    """The API takes no cookie (a page's session cannot be replayed without CSRF) and a token opens no page."""
    url = fill(rule.path, case)
    if is_api(rule.endpoint):
        if rule.expected("anonim") == "ok":
            return
        assert outcome(browsers["admin"].get(url)) == UNAUTHORIZED
    elif rule.expected("anonim") != "ok":
        assert outcome(api_clients["admin"].client.get(url, headers={
            "Authorization": f"Bearer {api_clients['admin'].secret}"})) == SIGN_IN
