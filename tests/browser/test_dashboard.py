"""The HR dashboard in a real browser, with a calibration unit off its curve: progress, one OPD, stage times;
each page checked with axe-core and photographed at both widths."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.browser.helpers import check_accessibility, screenshot
from tests.webui.rating_fixtures import CALIBRATION_UNIT, Stage, build_stage, to_calibration


def calibrated(session: Any) -> None:
    """BKPSDM's calibration with the unit rated Baik, then every member given Baik: the curve is broken."""
    from workflows.calibration import calibration_units
    from workflows.models.org import Employee
    from workflows.models.skp import Skp
    from workflows.rating import ratings
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
def page_as(visit: Callable[[Stage, str], tuple[Any, Flask]], dashboard_stage: Stage) -> Callable[[str], Any]:
    """Return page_as(username): a page signed in on a live server of this test's copy of the stage."""
    return lambda username: visit(dashboard_stage, username)[0]


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
