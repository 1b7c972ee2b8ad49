"""The API from a real browser on a live server: the session cookie opens nothing, the bearer token does."""

from __future__ import annotations

from typing import Any

from tests.webui.api_fixtures import issue_token
from workflows.organisation.demo_org import EMPLOYEES

from .conftest import LiveServer
from .helpers import sign_in

#: Yuliana Putri, an operator of Seksi Identitas Penduduk: her SKP is to be drafted at the demo's T0.
EMPLOYEE = next(nip for nip, _, _, position, _ in EMPLOYEES if position == "IDENTITAS-OPR")
FETCH = """async ([path, token]) => {
    const headers = token ? {Authorization: `Bearer ${token}`} : {};
    const response = await fetch(path, {headers, credentials: "same-origin"});
    return {status: response.status, body: await response.json()};
}"""


def test_a_signed_in_page_reaches_the_api_only_with_a_token(page: Any, live_server: LiveServer) -> None:
    sign_in(page, EMPLOYEE)
    without = page.evaluate(FETCH, ["/api/v1/tasks", None])
    assert without["status"] == 401 and without["body"]["code"] == "unauthorized"
    secret = issue_token(live_server.app, EMPLOYEE)
    mine = page.evaluate(FETCH, ["/api/v1/tasks", secret])
    assert mine["status"] == 200
    assert any(task["name"].startswith("Susun SKP") for task in mine["body"]["items"])
    document = page.evaluate(FETCH, ["/api/v1/openapi.json", None])
    assert document["status"] == 200 and "/api/v1/tasks" in document["body"]["paths"]
    # The page still works as before: the API calls did not touch the browser's session.
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kotak Masuk")
