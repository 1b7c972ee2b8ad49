"""Peer feedback run through the engine: no route the employee or his appraiser can open names who answered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from engine.clock import clock
from engine.models import HumanTask, Instance, Notification
from tests.demo_city import Browser, create_app_for_tests
from tests.webui.api_fixtures import ApiClient, issue_token
from tests.webui.rating_fixtures import APPRAISER, RATERS, Stage, build_stage
from workflows.cycle.cycles import cycle_key

from .feedback_stage import NEWCOMER, to_feedback
from .test_raters import PROCESSES, leaked, readable


@pytest.fixture(scope="module")
def feedback_app(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app on the feedback stage (built once for the module); the tests only read."""
    folder = tmp_path_factory.mktemp("authz-feedback")
    stages = build_stage(demo_template, folder, "authz-feedback", to_feedback)
    stage: Stage = next(stages)
    copies = stage.copy(folder, f"authz-feedback-shared-{folder.name}")
    app = create_app_for_tests(next(copies), folder)
    app.test_client_class = Browser
    clock.set(stage.now)
    yield app
    with app.app_context():
        from webui.extensions import db
        db.engine.dispose()
    next(copies, None)
    next(stages, None)


def _addresses(app: Flask, username: str) -> list[str]:
    """Return the pages and API answers of the newcomer's appraisal, and every task and notice of username's."""
    from webui.extensions import db
    with app.app_context():
        cycle = db.session.execute(select(Instance.id).where(
            Instance.business_key == cycle_key(2027, NEWCOMER))).scalar_one()
        tasks = db.session.execute(select(HumanTask.id).where(
            HumanTask.instance_id == cycle, HumanTask.bpmn_id != "Task_pilih_rekan",
            (HumanTask.assignee == username) | (HumanTask.completed_by == username))).scalars().all()
        notices = db.session.execute(select(Notification.id).where(Notification.recipient == username)).first()
    assert tasks and notices
    return ["/", "/notifikasi?semua=1", f"/penilaian/{cycle}", f"/penilaian/{cycle}/diagram",
            *[f"/penilaian/{cycle}/diagram?proses={process}" for process in PROCESSES],
            f"/dasbor/pegawai/{NEWCOMER}/2027/skp.pdf", f"/dasbor/pegawai/{NEWCOMER}/2027/evaluasi.pdf",
            *[f"/tugas/{task}" for task in tasks], *[f"/api/v1/tasks/{task}" for task in tasks],
            f"/api/v1/instances/{cycle}", f"/api/v1/instances/{cycle}/events", "/api/v1/tasks",
            "/data-pribadi/", "/api/v1/me/personal-data", "/api/v1/me/views"]


@pytest.mark.parametrize("username", [NEWCOMER, APPRAISER], ids=["pegawai", "penilai"])
def test_who_answered_reaches_neither_the_employee_nor_the_appraiser(
        feedback_app: Flask, username: str, tmp_path: Path) -> None:
    """The appraiser chose whom to ask (his completed choice is his own page); who answered, and what, stays hidden."""
    browser: Browser = feedback_app.test_client()  # type: ignore[assignment]
    assert browser.sign_in(username).status_code == 302
    api = ApiClient(feedback_app.test_client(), issue_token(feedback_app, username))
    opened = 0
    for url in _addresses(feedback_app, username):
        response = api.get(url) if url.startswith("/api/") else browser.get(url)
        if response.status_code == 404 and url.endswith(".pdf"):
            continue  # no document of the year yet
        assert response.status_code == 200, url
        text = readable(response.data, response.content_type, tmp_path)
        assert leaked(text) == [], url
        opened += 1
    assert opened >= 14
    copy = browser.post("/data-pribadi/unduh", data={"csrf_token": browser.csrf("/kata-sandi")})
    assert copy.status_code == 200 and leaked(copy.get_data(as_text=True)) == []  # the personal-data copy


def test_the_auditor_sees_who_answered(feedback_app: Flask) -> None:
    """The same search finds the raters in Inspektorat's view of the trail: the test above can fail."""
    from webui.extensions import db
    with feedback_app.app_context():
        cycle = db.session.execute(select(Instance.id).where(
            Instance.business_key == cycle_key(2027, NEWCOMER))).scalar_one()
    browser: Browser = feedback_app.test_client()  # type: ignore[assignment]
    browser.sign_in("inspektorat")
    page = browser.get(f"/audit/instans/{cycle}").get_data(as_text=True)
    assert all(nip in page for nip in RATERS)
