"""The skeleton's promises: pages in Indonesian, sign-in required, security headers on every page."""

from __future__ import annotations

from flask import Flask


def test_sign_in_page_speaks_indonesian_and_sends_security_headers(client: Flask) -> None:
    response = client.get("/masuk")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Masuk ke Kinerja" in page and 'lang="id"' in page
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_inbox_needs_sign_in(client: Flask) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_an_employee_signs_in_and_sees_their_skp_task(as_user) -> None:  # type: ignore[no-untyped-def]
    from workflows.organisation.demo_org import EMPLOYEES
    nip = EMPLOYEES[-1][0]
    page = as_user(nip).get("/").get_data(as_text=True)
    assert "Tugas saya" in page and "SKP" in page
