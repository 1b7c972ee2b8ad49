"""Language and time zone: Bahasa Indonesia and WITA by default, English on request, kept in the session."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask, render_template_string, session

from tests.demo_city import Browser
from tests.webui.auth_fixtures import demo_url  # noqa: F401  (demo accounts without a forced change)
from webui.i18n import LANGUAGE_KEY
from workflows.organisation.demo_org import EMPLOYEES

NIP = EMPLOYEES[-1][0]
SWITCH = re.compile(r'action="/bahasa/(\w+)"')


def switch(browser: Browser, language: str, back: str, token_page: str | None = None) -> str:
    response = browser.post_form(f"/bahasa/{language}", {"next": back}, token_page=token_page or back)
    assert response.status_code == 302
    return str(response.headers["Location"])


def test_pages_are_indonesian_by_default_with_a_switch_to_english(client: Browser) -> None:
    page = client.get("/masuk").get_data(as_text=True)
    assert 'lang="id"' in page and "Masuk ke Kinerja" in page and "Kata sandi" in page
    assert SWITCH.findall(page) == ["en"]


def test_english_is_chosen_from_the_sign_in_page_and_kept_after_signing_in(client: Browser) -> None:
    assert switch(client, "en", "/masuk") == "/masuk"
    page = client.get("/masuk").get_data(as_text=True)
    assert 'lang="en"' in page and "Sign in to Kinerja" in page and SWITCH.findall(page) == ["id"]
    assert "Page not found" in client.get("/tidak-ada").get_data(as_text=True)
    client.sign_in(NIP)
    page = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in page and "My tasks" in page
    client.post_form("/keluar", token_page="/")
    assert "You have signed out." in client.get("/masuk").get_data(as_text=True)


def test_every_signed_in_page_offers_the_switch_and_goes_back_to_it(as_user: Callable[[str], Browser]) -> None:
    browser = as_user(NIP)
    for path in ("/", "/kata-sandi", "/tidak-ada"):
        page = browser.get(path).get_data(as_text=True)
        assert SWITCH.findall(page) == ["en"], path
        assert f'name="next" value="{path}"' in page
    assert switch(browser, "en", "/kata-sandi") == "/kata-sandi"
    assert "Change password" in browser.get("/kata-sandi").get_data(as_text=True)
    assert switch(browser, "id", "/") == "/"
    assert "Tugas saya" in browser.get("/").get_data(as_text=True)


def test_the_switch_refuses_other_languages_and_other_sites(client: Browser) -> None:
    assert client.post_form("/bahasa/fr", {"next": "/masuk"}, token_page="/masuk").status_code == 404
    assert switch(client, "en", "https://evil.example/", "/masuk") == "/"
    assert client.post("/bahasa/id", data={"next": "/masuk"}).status_code == 400  # no token: nothing changes
    assert 'lang="en"' in client.get("/masuk").get_data(as_text=True)


@pytest.mark.parametrize(("language", "moment", "day"), [
    ("id", "4 Jan 2027 09.00.00", "4 Jan 2027"),
    ("en", "Jan 4, 2027, 9:00:00\u202fAM", "Jan 4, 2027"),
])
def test_dates_are_shown_in_the_language_and_in_wita(app: Flask, language: str, moment: str, day: str) -> None:
    # 23:30 UTC on 3 January is already 4 January in Samarinda (UTC+8).
    late = datetime(2027, 1, 3, 23, 30, tzinfo=UTC)
    with app.test_request_context("/"):
        session[LANGUAGE_KEY] = language
        shown = render_template_string("{{ at | when }}|{{ late | day }}|{{ d | when }}|{{ none | when }}",
                                       at=datetime(2027, 1, 4, 1, 0, tzinfo=UTC), late=late,
                                       d=date(2027, 1, 4), none=None)
    assert shown == f"{moment}|{day}|{day}|"


def test_long_dates_use_indonesian_month_names(app: Flask) -> None:
    with app.test_request_context("/"):
        shown = render_template_string("{{ d | when('long') }}", d=date(2027, 8, 17))
    assert shown == "17 Agustus 2027"
