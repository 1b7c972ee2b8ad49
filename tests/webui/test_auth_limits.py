"""Failed sign-ins are limited per account and per address (Flask-Limiter; memory, or Redis when configured)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable

import pytest
from flask import Flask

from tests.demo_city import Browser
from tests.webui.auth_fixtures import demo_url  # noqa: F401  (demo accounts without a forced change)
from workflows.organisation.demo_org import EMPLOYEES, demo_password

NIP, OTHER = EMPLOYEES[-1][0], EMPLOYEES[-2][0]


def browser(app: Flask, address: str = "10.0.0.1") -> Browser:
    app.test_client_class = Browser
    client: Browser = app.test_client()  # type: ignore[assignment]
    client.environ_base["REMOTE_ADDR"] = address
    return client


def fail(client: Browser, username: str, times: int) -> None:
    for _ in range(times):
        assert client.post_form("/masuk", {"username": username, "password": "salah-sekali-123"}).status_code == 200


def test_defaults_are_five_a_minute_and_twenty_an_hour_per_account_thirty_per_address(app: Flask) -> None:
    assert app.config["KINERJA_SIGN_IN_LIMIT_PER_ACCOUNT"] == "5 per minute; 20 per hour"
    assert app.config["KINERJA_SIGN_IN_LIMIT_PER_ADDRESS"] == "30 per minute"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_after_five_failures_an_account_is_locked_even_for_the_right_password(app: Flask) -> None:
    client = browser(app)
    fail(client, NIP, 5)
    response = client.sign_in(NIP)
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "Terlalu banyak percobaan" in page and 'lang="id"' in page
    assert "Tunggu beberapa menit" in page and 'href="/masuk"' in page
    assert client.get("/").status_code == 302  # not signed in
    # Another address trying the same account is held back as well: the limit is the account's.
    assert browser(app, "10.0.0.2").sign_in(NIP).status_code == 429
    # Other accounts are not affected, and neither is the sign-in page itself.
    assert client.get("/masuk").status_code == 200
    assert client.sign_in(OTHER).status_code == 302


def test_the_account_limit_ignores_case_and_spaces_of_the_username(app: Flask) -> None:
    client = browser(app)
    fail(client, "WALIKOTA", 3)
    fail(client, " walikota ", 2)
    assert client.sign_in("walikota").status_code == 429


def test_successful_sign_ins_do_not_count(app: Flask) -> None:
    for _ in range(7):
        client = browser(app)
        assert client.sign_in(NIP).status_code == 302


def test_an_address_is_limited_across_accounts(demo_url: str, make_app: Callable[..., Flask]) -> None:  # noqa: F811
    app = make_app(demo_url, SIGN_IN_LIMIT_PER_ADDRESS="3 per minute")
    client = browser(app, "10.0.0.9")
    for username in EMPLOYEES[:3]:
        fail(client, username[0], 1)
    assert client.sign_in(NIP).status_code == 429
    assert browser(app, "10.0.0.10").sign_in(NIP).status_code == 302


def test_the_password_change_counts_wrong_current_passwords(as_user: Callable[[str], Browser]) -> None:
    client = as_user(NIP)
    for _ in range(5):
        response = client.post_form("/kata-sandi", {"current_password": "salah-sekali-123",
                                                    "new_password": "Samarinda-tepian-2027",
                                                    "confirm_password": "Samarinda-tepian-2027"})
        assert response.status_code == 200
    response = client.post_form("/kata-sandi", {"current_password": demo_password(NIP),
                                                "new_password": "Samarinda-tepian-2027",
                                                "confirm_password": "Samarinda-tepian-2027"})
    assert response.status_code == 429


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_counts_live_in_redis_when_configured(demo_url: str, make_app: Callable[..., Flask]) -> None:  # noqa: F811
    import redis
    url = "redis://127.0.0.1:6379/15"
    unknown = f"nobody-{uuid.uuid4().hex}"  # a name of this run only: nothing to clash with on a shared Redis
    server = redis.Redis.from_url(url)
    try:
        fail(browser(make_app(demo_url, RATELIMIT_STORAGE_URI=url)), unknown, 5)
        assert server.keys(f"*account:{unknown}*")
        # Another app (another gunicorn worker) sees the same counts.
        assert browser(make_app(demo_url, RATELIMIT_STORAGE_URI=url)).post_form(
            "/masuk", {"username": unknown, "password": "x"}).status_code == 429
    finally:
        for key in server.scan_iter(f"*{unknown}*"):
            server.delete(key)
        server.close()
