"""The password change page, and the forced change of a demo or temporary password before anything else."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from engine.models import AuditEvent
from tests.demo_city import Browser
from tests.webui.auth_fixtures import demo_url, set_forced_change  # noqa: F401  (demo_url: no forced change)
from webui.extensions import db
from workflows.models.org import UserAccount
from workflows.organisation.demo_org import EMPLOYEES, demo_password
from workflows.signin import accounts

NIP = EMPLOYEES[-1][0]
NEW = "Samarinda-tepian-2027"


def stored(app: Flask, username: str) -> UserAccount:
    with app.app_context():
        found = db.session.execute(select(UserAccount).where(UserAccount.username == username)).scalar_one()
        db.session.expunge(found)
        return found


def changes(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(AuditEvent.actor).where(
            AuditEvent.event_type == "password_changed")).scalars())


def submit(browser: Browser, current: str, new: str, again: str | None = None) -> str:
    response = browser.post_form("/kata-sandi", {"current_password": current, "new_password": new,
                                                 "confirm_password": new if again is None else again})
    return str(response.get_data(as_text=True)) if response.status_code == 200 else str(response.headers["Location"])


def test_the_change_page_needs_a_sign_in(client: Browser) -> None:
    assert client.get("/kata-sandi").headers["Location"].startswith("/masuk")


def test_a_user_changes_their_password_and_signs_in_with_the_new_one(app: Flask,
                                                                      as_user: Callable[[str], Browser]) -> None:
    browser = as_user(NIP)
    page = browser.get("/kata-sandi").get_data(as_text=True)
    assert "Ubah kata sandi" in page and 'autocomplete="new-password"' in page and "Minimal 10 karakter" in page
    assert submit(browser, demo_password(NIP), NEW) == "/"
    assert "Kata sandi Anda telah diubah." in browser.get("/").get_data(as_text=True)
    assert changes(app) == [NIP]
    browser.post_form("/keluar", token_page="/")
    assert browser.sign_in(NIP).status_code == 200  # the demo password no longer works
    assert browser.sign_in(NIP, NEW).headers["Location"] == "/"


@pytest.mark.parametrize(("current", "new", "again", "field_error"), [
    ("salah-sekali-123", NEW, None, "Kata sandi saat ini salah."),
    (None, "pendek", None, "Kata sandi minimal 10 karakter."),
    (None, f"aku-{NIP}", None, "Kata sandi tidak boleh memuat NIP atau nama pengguna Anda."),
    (None, "kinerja-rahasia-baru", None, "Kata sandi tidak boleh diawali kinerja- seperti kata sandi demo."),
    (None, NEW, NEW + "x", "Kedua kata sandi baru tidak sama."),
    (None, "", None, "Isian ini wajib diisi."),
])
def test_a_refused_change_says_why_beside_the_field_and_stores_nothing(
        app: Flask, as_user: Callable[[str], Browser], current: str | None, new: str, again: str | None,
        field_error: str) -> None:
    before = stored(app, NIP).password_hash
    browser = as_user(NIP)
    page = submit(browser, current or demo_password(NIP), new, again)
    assert field_error in page and "Kata sandi belum diubah." in page and "is-invalid" in page
    assert stored(app, NIP).password_hash == before and changes(app) == []


def test_every_rule_a_new_password_breaks_is_named_at_once(as_user: Callable[[str], Browser]) -> None:
    page = submit(as_user(NIP), demo_password(NIP), "kinerja-1", "lain")
    for sentence in ("Kedua kata sandi baru tidak sama.", "Kata sandi minimal 10 karakter.",
                     "Kata sandi tidak boleh diawali kinerja- seperti kata sandi demo."):
        assert sentence in page


def test_a_password_change_signs_out_the_other_sessions(as_user: Callable[[str], Browser]) -> None:
    here, elsewhere = as_user(NIP), as_user(NIP)
    submit(here, demo_password(NIP), NEW)
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").headers["Location"].startswith("/masuk")


def test_a_demo_password_must_be_changed_before_anything_else(app: Flask, client: Browser,
                                                               demo_url: str) -> None:  # noqa: F811
    set_forced_change(demo_url, NIP)
    response = client.sign_in(NIP)
    assert response.headers["Location"] == "/kata-sandi"
    for path in ("/", "/tugas/1", "/penilaian/1", "/masuk"):
        assert client.get(path).headers["Location"] == "/kata-sandi", path
    page = client.get("/kata-sandi").get_data(as_text=True)
    assert "Anda masuk dengan kata sandi demo atau sementara." in page
    # What stays reachable: assets, the language switch, signing out.
    assert client.get("/vendor/bootstrap/css/bootstrap.min.css").status_code == 200
    assert client.get("/static/css/kinerja.css").status_code == 200
    assert client.post_form("/bahasa/en", {"next": "/kata-sandi"}, token_page="/kata-sandi").headers[
        "Location"] == "/kata-sandi"
    assert "Change password" in client.get("/kata-sandi").get_data(as_text=True)
    client.post_form("/bahasa/id", {"next": "/kata-sandi"}, token_page="/kata-sandi")
    assert submit(client, demo_password(NIP), demo_password(NIP)).count("kinerja-") >= 1  # still refused
    assert stored(app, NIP).must_change_password
    assert submit(client, demo_password(NIP), NEW) == "/"
    assert client.get("/").status_code == 200 and not stored(app, NIP).must_change_password


def test_signing_out_is_possible_during_a_forced_change(client: Browser, demo_url: str) -> None:  # noqa: F811
    set_forced_change(demo_url, NIP)
    client.sign_in(NIP)
    assert client.post_form("/keluar", token_page="/kata-sandi").headers["Location"] == "/masuk"
    assert client.get("/kata-sandi").headers["Location"].startswith("/masuk")


def test_a_reset_password_signs_out_and_forces_a_change(app: Flask, as_user: Callable[[str], Browser]) -> None:
    browser = as_user(NIP)
    with app.app_context():
        temporary = accounts.reset_password(db.session, NIP, "admin")
        db.session.commit()
    assert browser.get("/").headers["Location"].startswith("/masuk")
    assert browser.sign_in(NIP, temporary).headers["Location"] == "/kata-sandi"
    assert browser.get("/").headers["Location"] == "/kata-sandi"
