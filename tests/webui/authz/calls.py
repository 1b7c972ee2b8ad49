"""How the matrix calls a route as a role, and what the answer means (one of the table's outcomes)."""

from __future__ import annotations

from typing import Any

from tests.demo_city import Browser
from tests.webui.api_fixtures import ApiClient

from .routes import is_api
from .table import FORBIDDEN, NOT_FOUND, OK, SIGN_IN, UNAUTHORIZED, Rule

#: A page every signed-in user can open that carries a form, hence the session's CSRF token.
TOKEN_PAGE = "/kata-sandi"


def call(rule: Rule, url: str, role: str, browser: Browser, api: ApiClient) -> Any:
    """Call url as role the way the route is meant to be used: a token for the API, a session with CSRF for pages."""
    if is_api(rule.endpoint):
        return api.get(url) if rule.method == "GET" else api.post(url, json=rule.body)
    if rule.method == "GET":
        return browser.get(url)
    token = browser.csrf("/masuk" if role == "anonim" else TOKEN_PAGE)
    return browser.post(url, data={"csrf_token": token, **rule.body})


def outcome(response: Any) -> str:
    """Return the table's word for a response (the status itself when it is none of them)."""
    status = response.status_code
    if status in (301, 302, 303) and "/masuk" in response.headers.get("Location", ""):
        return SIGN_IN
    if status in (401, 403, 404):
        return {401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND}[status]
    if status < 500:
        return OK
    return str(status)
