"""The public pages in a real browser, signed out: a unit's published result and the feedback form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from engine.clock import clock
from tests.browser.helpers import check_accessibility, screenshot
from tests.webui.test_public import BIG, SMALL, SYAHRANI, YEAR, ZAINAL, _publish


def test_the_public_results_of_a_unit_without_signing_in(page: Any, live_server: Any) -> None:
    page.goto("/publik")
    assert page.get_by_role("heading", name="Hasil kinerja yang dipublikasikan").is_visible()
    assert page.get_by_text("Belum ada hasil yang dipublikasikan.").is_visible()
    check_accessibility(page)
    screenshot(page, "public-empty")
    _publish(live_server.app, BIG, [ZAINAL])
    _publish(live_server.app, SMALL, [SYAHRANI])
    page.goto("/publik")
    check_accessibility(page)
    screenshot(page, "public-year")
    page.locator("table").get_by_role("link", name="Kecamatan Samarinda Ulu").click()
    page.wait_for_url(f"**/publik/{YEAR}/{BIG}")
    assert page.get_by_role("img", name="Predikat Kecamatan Samarinda Ulu").is_visible()
    assert "Sangat Baik" in page.locator("svg title").first.text_content()
    assert page.get_by_role("table", name="Jumlah pegawai per predikat").is_visible()
    check_accessibility(page)
    screenshot(page, "public-unit")
    page.goto(f"/publik/{YEAR}/{SMALL}")
    assert page.get_by_text("Kelompok terlalu kecil untuk ditampilkan").is_visible()
    check_accessibility(page)
    screenshot(page, "public-unit-small")


def test_the_feedback_form_in_the_browser(page: Any, live_server: Any) -> None:
    from webui.extensions import db
    from workflows.models import PublicFeedback
    page.goto("/publik/umpan-balik/DISDUKCAPIL")
    check_accessibility(page)
    assert not page.locator("#website").is_visible() or page.locator("#website").bounding_box()["x"] < 0
    page.get_by_label("5 · Sangat baik").first.check()
    page.locator("#komentar").fill("Petugas ramah. NIK saya 6472010101010001.")
    clock.advance(timedelta(seconds=20))
    page.get_by_role("button", name="Kirim umpan balik").click()
    assert page.get_by_text("Mohon jangan menuliskan NIK").is_visible()
    check_accessibility(page)
    screenshot(page, "public-feedback-refused")
    page.locator("#komentar").fill("Petugas ramah dan antrean cepat.")
    clock.advance(timedelta(seconds=20))
    page.get_by_role("button", name="Kirim umpan balik").click()
    page.wait_for_url("**/terima-kasih")
    assert page.get_by_role("heading", name="Terima kasih atas umpan balik Anda").is_visible()
    check_accessibility(page)
    screenshot(page, "public-feedback-thanks")
    with live_server.app.app_context():
        [entry] = db.session.execute(select(PublicFeedback)).scalars().all()
        assert entry.scores == {"berorientasi_pelayanan": 5} and "6472" not in (entry.comment or "")
    page.goto("/publik/umpan-balik/DISDUKCAPIL")
    screenshot(page, "public-feedback")
