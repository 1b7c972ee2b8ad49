"""Cookies, CSRF, security headers and error pages: what a browser is told on every kind of page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, abort

from tests.demo_city import Browser
from tests.webui.auth_fixtures import demo_url  # noqa: F401  (demo accounts without a forced change)
from webui.extensions import db
from workflows.models.org import UserAccount
from workflows.organisation.demo_org import EMPLOYEES, demo_password

NIP = EMPLOYEES[-1][0]


def session_cookie(response) -> str:  # type: ignore[no-untyped-def]
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return str(cookie)


def assert_secure_headers(response) -> None:  # type: ignore[no-untyped-def]
    csp = response.headers["Content-Security-Policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "'self'" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_httponly_and_samesite_lax_not_secure_by_default(client: Browser) -> None:
    cookie = session_cookie(client.sign_in(NIP))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_when_configured(demo_url: str,  # noqa: F811
                                                      make_app: Callable[..., Flask]) -> None:
    app = make_app(demo_url, SESSION_COOKIE_SECURE=True)
    app.test_client_class = Browser
    client: Browser = app.test_client()  # type: ignore[assignment]
    client.get("/masuk", base_url="https://localhost")
    response = client.post_form("/masuk", {"username": NIP, "password": demo_password(NIP)},
                                base_url="https://localhost")
    cookie = session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_lifetime_is_a_setting(demo_url: str, make_app: Callable[..., Flask]) -> None:  # noqa: F811
    assert make_app(demo_url).permanent_session_lifetime.total_seconds() == 8 * 3600
    assert make_app(demo_url, SESSION_LIFETIME_HOURS=2).permanent_session_lifetime.total_seconds() == 2 * 3600


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_sign_in_without_the_right_token_is_refused_in_indonesian(client: Browser, token: str | None) -> None:
    client.get("/masuk")
    data = {"username": NIP, "password": demo_password(NIP)} | ({"csrf_token": token} if token else {})
    response = client.post("/masuk", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Permintaan ditolak" in page and "tidak ada yang disimpan" in page
    assert "CSRF" not in page
    assert client.get("/").status_code == 302  # not signed in


def test_a_password_change_without_the_token_changes_nothing(app: Flask, as_user: Callable[[str], Browser]) -> None:
    browser = as_user(NIP)
    with app.app_context():
        before = db.session.query(UserAccount.password_hash).filter_by(username=NIP).scalar()
    response = browser.post("/kata-sandi", data={"current_password": demo_password(NIP),
                                                 "new_password": "Samarinda-tepian-2027",
                                                 "confirm_password": "Samarinda-tepian-2027"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(UserAccount.password_hash).filter_by(username=NIP).scalar() == before


def test_a_sign_out_from_another_site_does_nothing(as_user: Callable[[str], Browser]) -> None:
    browser = as_user(NIP)
    assert browser.post("/keluar").status_code == 400
    assert browser.get("/").status_code == 200


def test_security_headers_on_every_kind_of_page(as_user: Callable[[str], Browser], client: Browser) -> None:
    signed_in = as_user(NIP)
    pages = [client.get("/masuk"), signed_in.get("/"), signed_in.get("/tidak-ada"), client.get("/tidak-ada"),
             client.get("/vendor/bootstrap/css/bootstrap.min.css"), client.get("/static/js/kinerja.js"),
             client.get("/health"), client.post("/masuk")]
    assert [p.status_code for p in pages] == [200, 200, 404, 404, 200, 200, 200, 400]
    for response in pages:
        assert_secure_headers(response)
    assert pages[0].headers["Cache-Control"] == "no-store" and pages[1].headers["Cache-Control"] == "no-store"


@pytest.fixture
def failing_app(demo_url: str, make_app: Callable[..., Flask]) -> Flask:  # noqa: F811
    """The demo app with routes that fail in each way a page can."""
    app = make_app(demo_url)

    @app.get("/uji/403")
    def forbidden() -> str:
        abort(403)

    @app.get("/uji/500")
    def broken() -> str:
        raise RuntimeError("secret internals: password=hunter2")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as served: the error page, not the test's traceback
    app.test_client_class = Browser
    return app


@pytest.mark.parametrize(("path", "status", "title", "sentence"), [
    ("/uji/403", 403, "Tidak diizinkan", "Anda tidak berhak melakukan ini."),
    ("/tidak-ada", 404, "Halaman tidak ditemukan", "Halaman tidak ada, atau Anda tidak berhak melihatnya."),
    ("/uji/500", 500, "Terjadi kesalahan", "Permintaan tidak dapat diproses."),
])
def test_error_pages_are_in_indonesian_and_show_no_internals(failing_app: Flask, path: str, status: int,
                                                              title: str, sentence: str) -> None:
    response = failing_app.test_client().get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status and title in page and sentence in page and 'lang="id"' in page
    assert "Traceback" not in page and "RuntimeError" not in page and "hunter2" not in page
    assert "Ke halaman masuk" in page  # a signed-out visitor is led to the sign-in page
    assert_secure_headers(response)
