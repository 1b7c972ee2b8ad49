"""The appeal pages: the employee reads the full result and the last day to object; the deciders see the appeal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engine.clock import clock
from engine.models import HumanTask
from engine.runtime.events import timers
from tests.webui.rating_fixtures import (
    APPRAISER,
    CALIBRATION_REASON,
    LEADER,
    LEADER_GROUPS,
    RATED,
    RATERS,
    Stage,
    act,
    build_stage,
    cycle_of,
    open_task,
    stage_app,
    to_appeal,
)
from workflows.models import Appeal
from workflows.organisation.demo_org import EMPLOYEES

NAMES = {nip: name for nip, name, *_ in EMPLOYEES}
APPEAL_REASON = "Bukti dukung triwulan IV belum dinilai."


@pytest.fixture(scope="module")
def appeal_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """Reza's predikat lowered at calibration, his objection window open (built once for the module)."""
    yield from build_stage(demo_template, tmp_path_factory.mktemp("appeal"), "appeal", to_appeal)


@pytest.fixture
def app(appeal_stage: Stage, tmp_path: Path, make_app: Callable[..., Flask],
        request: pytest.FixtureRequest) -> Iterator[Flask]:
    yield from stage_app(appeal_stage, tmp_path, make_app, request.node.nodeid)


def _session(app: Flask) -> Any:
    from webui.extensions import db
    return db.session


def _task(app: Flask, bpmn_id: str) -> HumanTask:
    with app.app_context():
        row = open_task(_session(app), bpmn_id, cycle_of(_session(app), RATED))
        _session(app).expunge(row)
        return row


def _no_rater_in(page: str) -> None:
    for nip in RATERS:
        assert nip not in page and NAMES[nip] not in page


def test_the_employee_reads_the_full_result_and_the_last_day_to_object(app: Flask, as_user) -> None:
    task = _task(app, "Task_beritahu_predikat")
    page = as_user(RATED).get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Butuh Perbaikan" in page and "Pejabat Penilai Kinerja mengusulkan Baik." in page
    assert CALIBRATION_REASON in page  # why the calibration changed the proposal
    assert "Target layanan tercapai." in page  # the appraiser's reasons
    assert "Sesuai bukti dukung." in page and "Berorientasi Pelayanan" in page  # per RHK and per value
    assert "15 Januari 2028" in page  # delivered 1 January 2028 (WITA): 14 days, the delivery day not counted
    _no_rater_in(page)
    # Nobody else reads the employee's notice.
    assert as_user(APPRAISER).get(f"/tugas/{task.id}").status_code == 404


def test_after_the_last_day_the_page_says_so_and_a_filing_is_refused(app: Flask, as_user) -> None:
    notice = _task(app, "Task_beritahu_predikat")
    browser = as_user(RATED)
    assert browser.post_form(f"/tugas/{notice.id}", {"predikat_diketahui": "true"}).status_code == 303
    filing = _task(app, "Task_ajukan_keberatan")
    with app.app_context():
        session = _session(app)
        after = datetime(2028, 1, 16, 0, 0, 1, tzinfo=UTC)  # 16 January, 08:00 WITA
        clock.set(after)
        for instance_id in timers.due_instance_ids(session, after):
            timers.fire_due(session, instance_id, after)
            session.commit()
    # The window's timer withdrew the filing task: its page sends the employee back to the inbox, saying so.
    page = browser.get(f"/tugas/{filing.id}", follow_redirects=True).get_data(as_text=True)
    assert "Tugas ini sudah tidak terbuka" in page
    response = browser.post_form(f"/tugas/{filing.id}", {"ajukan_keberatan": "ajukan",
                                                          "alasan_keberatan": APPEAL_REASON},
                                 token_page="/", follow_redirects=True)
    assert "Tidak ada yang diubah" in response.get_data(as_text=True)
    with app.app_context():
        assert _session(app).execute(select(Appeal)).first() is None


def test_the_decider_sees_the_appeal_the_result_and_the_appraisers_answer(app: Flask, as_user) -> None:
    with app.app_context():
        session = _session(app)
        cycle = cycle_of(session, RATED)
        act(session, open_task(session, "Task_beritahu_predikat", cycle), RATED, (), {"predikat_diketahui": True})
        act(session, open_task(session, "Task_ajukan_keberatan", cycle), RATED, (),
            {"ajukan_keberatan": "ajukan", "alasan_keberatan": APPEAL_REASON})
        act(session, open_task(session, "Task_penjelasan_penilai", cycle), APPRAISER, (),
            {"penjelasan_penilai": "Distribusi unit menuntut penyesuaian."})
        act(session, open_task(session, "Task_penjelasan_pegawai", cycle), RATED, (),
            {"penjelasan_pegawai": "Lihat laporan Desember."})
        # Lowered at calibration: the calibration unit's leader re-opens it to decide.
        decide = open_task(session, "Task_tinjau_ulang_kalibrasi", cycle)
        from engine.runtime.human_tasks import tasks
        tasks.claim(session, decide.id, LEADER, LEADER_GROUPS)
        session.commit()
        decide_id = decide.id
    page = as_user(LEADER).get(f"/tugas/{decide_id}").get_data(as_text=True)
    assert APPEAL_REASON in page and "Distribusi unit menuntut penyesuaian." in page
    assert "Lihat laporan Desember." in page and "Butuh Perbaikan" in page and CALIBRATION_REASON in page
    _no_rater_in(page)
    assert as_user(RATED).get(f"/tugas/{decide_id}").status_code == 404


def test_the_appraiser_signs_the_evaluation_document_seeing_the_result_without_raters(app: Flask, as_user) -> None:
    with app.app_context():
        session = _session(app)
        cycle = cycle_of(session, RATED)
        act(session, open_task(session, "Task_beritahu_predikat", cycle), RATED, (), {"predikat_diketahui": True})
        act(session, open_task(session, "Task_ajukan_keberatan", cycle), RATED, (), {"ajukan_keberatan": "tidak"})
    sign = _task(app, "Task_tandatangani")
    assert sign.assignee == APPRAISER
    page = as_user(APPRAISER).get(f"/tugas/{sign.id}").get_data(as_text=True)
    assert "Hasil penilaian kinerja 2027" in page and "Butuh Perbaikan" in page and CALIBRATION_REASON in page
    assert "15 Januari 2028" not in page  # the objection window is no business of the signing page
    _no_rater_in(page)
