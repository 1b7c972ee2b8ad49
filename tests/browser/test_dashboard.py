"""The HR dashboard in a real browser, with a calibration unit off its curve: progress, one OPD, stage times;
each page checked with axe-core and photographed at both widths."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.browser.helpers import check_accessibility, screenshot, sign_in, watch
from tests.webui.rating_fixtures import CALIBRATION_UNIT, Stage, build_stage, stage_app, to_calibration


def calibrated(session: Any) -> None:
    """BKPSDM's calibration with the unit rated Baik, then every member given Baik: the curve is broken."""
    from workflows import calibration_units, ratings
    from workflows.models.org import Employee
    from workflows.models.skp import Skp
    to_calibration(session)
    nips = calibration_units.members(session, CALIBRATION_UNIT, 2027)
    for skp in session.execute(select(Skp).join(Employee, Employee.id == Skp.employee_id)
                               .where(Employee.nip.in_(nips), Skp.year == 2027)).scalars():
        ratings.change_predikat(session, skp, "baik", "kalibrasi", "walikota")
    session.commit()


@pytest.fixture(scope="module")
def dashboard_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    yield from build_stage(demo_template, tmp_path_factory.mktemp("dash-browser"), "dash-browser", calibrated)


@pytest.fixture
def page_as(browser: Any, dashboard_stage: Stage, tmp_path: Path, make_app: Callable[..., Flask],
            request: pytest.FixtureRequest) -> Iterator[Callable[[str], Any]]:
    """Return page_as(username): a page signed in on a live server of this test's copy of the stage."""
    opened: list[tuple[Any, Any, Any, Any]] = []

    def open_as(username: str) -> Any:
        copies = stage_app(dashboard_stage, tmp_path, make_app, request.node.nodeid)
        app = next(copies)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        context = browser.new_context(base_url=f"http://127.0.0.1:{server.server_port}",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        opened.append((copies, server, context, watch(page)))
        sign_in(page, username)
        return page

    yield open_as
    for copies, server, context, problems in opened:
        context.close()
        server.shutdown()
        next(copies, None)
        assert not problems.errors, "browser errors:\n" + "\n".join(problems.errors)


def test_the_dashboard_pages_are_accessible_at_both_widths(page_as: Callable[[str], Any]) -> None:
    page = page_as("bkpsdm")
    page.get_by_role("link", name="Dasbor").click()
    assert page.get_by_role("heading", name="Siklus kinerja 2027").is_visible()
    assert page.locator("svg.dash-chart").count() >= 2
    assert page.get_by_text("di luar kurva").first.is_visible()
    check_accessibility(page)
    screenshot(page, "dashboard-progress")

    page.get_by_role("link", name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia").first.click()
    assert page.get_by_role("heading", name="Pegawai per tahap").is_visible()
    check_accessibility(page)
    screenshot(page, "dashboard-opd")

    page.goto("/dasbor/hambatan?tahun=2027")
    assert page.get_by_role("heading", name="Tugas terbuka terlama").is_visible()
    check_accessibility(page)
    screenshot(page, "dashboard-stuck")


def test_a_scoped_pengelola_sees_one_opd(page_as: Callable[[str], Any]) -> None:
    page = page_as("pengelola.disdukcapil")
    page.goto("/dasbor/?tahun=2027")
    rows = page.locator("#opd-heading ~ div table tbody tr")
    assert rows.count() == 1
    assert "Kependudukan" in rows.first.inner_text()
    check_accessibility(page)
