"""Sign-in and sign-out: NIP and password, no account enumeration, fresh sessions, disabled accounts."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from itsdangerous import TimestampSigner
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tests.demo_city import Browser
from tests.webui.auth_fixtures import demo_url  # noqa: F401  (demo accounts without a forced change)
from webui.extensions import db
from workflows.models.org import UserAccount
from workflows.organisation.demo_org import EMPLOYEES, demo_password
from workflows.signin import accounts

NIP = EMPLOYEES[-1][0]
TOKEN = re.compile(r'name="csrf_token"([^>]*)value="[^"]+"')
WRONG = "NIP atau kata sandi salah, atau akun dinonaktifkan."


def stored(app: Flask, username: str) -> UserAccount:
    with app.app_context():
        found = db.session.execute(select(UserAccount).where(UserAccount.username == username)).scalar_one()
        db.session.expunge(found)
        return found


def change(app: Flask, fn: Callable[..., Any], *args: Any) -> None:
    """Do a domain change outside any request, as the operator's CLI would, and commit."""
    with app.app_context():
        fn(db.session, *args)
        db.session.commit()


def signed_in(browser: Browser) -> bool:
    return browser.get("/").status_code == 200


def test_an_employee_signs_in_with_nip_and_lands_on_the_inbox(client: Browser) -> None:
    response = client.sign_in(NIP)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Tugas saya" in page and EMPLOYEES[-1][1] in page


def test_staff_sign_in_with_their_username_and_go_back_where_they_were_sent_from(client: Browser) -> None:
    response = client.post_form("/masuk?next=/bantuan", {"username": "inspektorat",
                                                          "password": demo_password("inspektorat")},
                                token_page="/masuk")
    assert response.headers["Location"] == "/bantuan"


def test_next_pointing_to_another_site_is_ignored(client: Browser) -> None:
    for target in ("//evil.example/x", "/\\evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        response = client.post_form(f"/masuk?next={target}", {"username": NIP, "password": demo_password(NIP)},
                                    token_page="/masuk")
        assert response.headers["Location"] == "/"


def test_unknown_account_wrong_password_and_disabled_account_get_the_same_answer(app: Flask,
                                                                                  client: Browser) -> None:
    change(app, accounts.set_active, "walikota", False, "admin")
    answers = []
    for username, password in ((NIP, "salah-sekali-123"), ("199999999999999999", "kinerja-9999"),
                               ("walikota", demo_password("walikota"))):
        response = client.post_form("/masuk", {"username": username, "password": password})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and WRONG in page
        answers.append(TOKEN.sub("TOKEN", page.replace(username, "USER")))  # a token carries its time
        assert not signed_in(client)
    assert len(set(answers)) == 1  # the pages differ in nothing but the name typed


def test_an_empty_form_says_what_is_missing_beside_each_field(client: Browser) -> None:
    page = client.post_form("/masuk", {"username": "", "password": ""}).get_data(as_text=True)
    assert page.count("Isian ini wajib diisi.") == 2 and 'aria-invalid="true"' in page


def test_sign_out_is_a_post_and_ends_the_session(as_user: Callable[[str], Browser]) -> None:
    browser = as_user(NIP)
    assert browser.get("/keluar").status_code == 405  # a link or an image cannot sign anyone out
    assert signed_in(browser)
    response = browser.post_form("/keluar", token_page="/")
    assert response.headers["Location"] == "/masuk"
    assert "Anda telah keluar." in browser.get("/masuk").get_data(as_text=True)
    assert browser.get("/").headers["Location"].startswith("/masuk")


def test_sign_in_starts_a_fresh_session(client: Browser) -> None:
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = client.csrf()
    client.sign_in(NIP)
    with client.session_transaction() as session:
        assert "planted" not in session and not session.permanent
    assert client.csrf("/") != before


def test_remember_me_is_off_and_the_session_ends_with_the_browser(client: Browser) -> None:
    response = client.sign_in(NIP)
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies)
    [session] = [c for c in cookies if c.startswith("session=")]
    assert "Expires=" not in session and "Max-Age" not in session


def test_a_session_expires_after_the_configured_hours(client: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    client.sign_in(NIP)
    assert signed_in(client)
    now = time.time()
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(now) + 7 * 3600)
    assert signed_in(client)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(now) + 8 * 3600 + 60)
    assert client.get("/").headers["Location"].startswith("/masuk")


def test_a_cookie_replayed_from_another_browser_is_refused(as_user: Callable[[str], Browser]) -> None:
    browser = as_user(NIP)
    assert browser.get("/").status_code == 200
    assert browser.get("/", headers={"User-Agent": "Stolen/1.0"}).status_code == 302


def test_a_disabled_account_is_signed_out_at_its_next_request(app: Flask, as_user: Callable[[str], Browser]) -> None:
    browser = as_user(NIP)
    assert signed_in(browser)
    change(app, accounts.set_active, NIP, False, "admin")
    assert browser.get("/").headers["Location"].startswith("/masuk")
    change(app, accounts.set_active, NIP, True, "admin")
    assert not signed_in(browser)  # enabling again does not revive the old session
    assert browser.sign_in(NIP).status_code == 302 and signed_in(browser)


def test_an_older_password_hash_is_upgraded_when_its_owner_signs_in(app: Flask, client: Browser) -> None:
    with app.app_context():
        account = db.session.execute(select(UserAccount).where(UserAccount.username == NIP)).scalar_one()
        account.password_hash = generate_password_hash(demo_password(NIP), method="pbkdf2:sha256:600000")
        db.session.commit()
    client.post_form("/masuk", {"username": NIP, "password": "salah-sekali-123"})
    assert stored(app, NIP).password_hash.startswith("pbkdf2:")
    assert client.sign_in(NIP).status_code == 302
    assert stored(app, NIP).password_hash.startswith("scrypt:")
    assert signed_in(client)  # the session carries the upgraded hash's key
