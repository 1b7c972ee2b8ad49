"""Key pages later in the year, in a real browser: rating with the predikat preview, the auditor's diagram,
notifications and the calibration page; each checked with axe-core and photographed at both widths."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.browser.helpers import check_accessibility, screenshot
from tests.webui.rating_fixtures import (
    APPRAISER,
    CALIBRATION_UNIT,
    LEADER,
    RATED,
    Stage,
    build_stage,
    cycle_of,
    open_task,
    to_calibration,
    to_rating,
)


@pytest.fixture(scope="module")
def rating_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """The demo city with Reza's annual rating open for his appraiser."""
    yield from build_stage(demo_template, tmp_path_factory.mktemp("pages-rating"), "pages-rating", to_rating)


@pytest.fixture(scope="module")
def calibration_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """The demo city with BKPSDM's calibration waiting for the Wali Kota's adjustments."""
    yield from build_stage(demo_template, tmp_path_factory.mktemp("pages-calibration"), "pages-calibration",
                           to_calibration)


def _task_id(app: Flask, bpmn_id: str, instance_id: int | None = None) -> int:
    from webui.extensions import db
    with app.app_context():
        return open_task(db.session, bpmn_id, instance_id).id


def _cycle(app: Flask, nip: str) -> int:
    from webui.extensions import db
    with app.app_context():
        return cycle_of(db.session, nip)


def _state(page: Any, element_id: str) -> str:
    element = page.locator(f'.djs-element[data-element-id="{element_id}"]').first
    element.wait_for()
    found = re.search(r"state-(\w+)", element.get_attribute("class") or "")
    return found.group(1) if found else ""


def test_the_appraiser_sees_the_predikat_before_submitting_the_rating(rating_stage: Stage, visit: Any) -> None:
    page, app = visit(rating_stage, APPRAISER)
    page.goto(f"/tugas/{_task_id(app, 'Task_nilai', _cycle(app, RATED))}")
    label = page.locator("#predikat-preview [data-predikat-label]")
    page.select_option("[data-rating-input=hasil_kerja]", "di_atas")
    page.select_option("[data-rating-input=perilaku]", "di_atas")
    page.wait_for_function("() => document.querySelector('#predikat-preview [data-predikat-label]')"
                           ".textContent.includes('Sangat Baik')")
    page.select_option("[data-rating-input=perilaku]", "di_bawah")
    page.wait_for_function("() => !document.querySelector('#predikat-preview [data-predikat-label]')"
                           ".textContent.includes('Sangat Baik')")
    assert label.inner_text().strip()
    check_accessibility(page)
    screenshot(page, "rating")


def test_the_auditor_follows_the_appraisal_into_the_rating_stage(rating_stage: Stage, visit: Any) -> None:
    page, app = visit(rating_stage, "inspektorat")
    page.goto(f"/penilaian/{_cycle(app, RATED)}")
    assert _state(page, "Activity_perencanaan") == "completed"
    assert _state(page, "Activity_penilaian") == "active"
    check_accessibility(page)
    screenshot(page, "appraisal-auditor")
    # A click on the stage opens the called process with its own states.
    page.locator('.djs-element[data-element-id="Activity_penilaian"]').first.click()
    assert _state(page, "Task_nilai") == "active"
    screenshot(page, "appraisal-auditor-rating-stage")


def test_the_appraiser_reads_the_notifications(rating_stage: Stage, visit: Any) -> None:
    page, _ = visit(rating_stage, APPRAISER)
    page.get_by_role("link", name=re.compile("^Pemberitahuan")).first.click()
    page.wait_for_load_state()
    assert "Nilai hasil kerja dan perilaku — Reza Maulana" in page.inner_text("main")
    check_accessibility(page)
    screenshot(page, "notifications")


def test_the_leader_calibrates_with_a_reason_required_for_a_change(calibration_stage: Stage, visit: Any) -> None:
    page, app = visit(calibration_stage, LEADER)
    from webui.extensions import db
    with app.app_context():
        from sqlalchemy import select

        from engine.models import Instance
        calibration = db.session.execute(select(Instance.id).where(
            Instance.business_key == f"kalibrasi:2027:{CALIBRATION_UNIT}")).scalar_one()
    page.goto(f"/tugas/{_task_id(app, 'Task_sesuaikan_predikat', calibration)}")
    page.get_by_role("button", name="Ambil tugas").click()
    page.wait_for_load_state()
    choice = page.locator(f'select[name="penyesuaian/{RATED}"]')
    choice.select_option("butuh_perbaikan")
    assert page.locator(f"#why-{RATED}").evaluate("element => element.required")
    check_accessibility(page)
    screenshot(page, "calibration")
