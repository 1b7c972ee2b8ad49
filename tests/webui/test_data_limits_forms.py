"""Task forms in the browser against hostile input: a 4xx with the reasons or a success, never a 500, state unchanged.

Properties over the generated form of the example `izin_pelatihan` and the SKP editor (`skp_editor`, a custom
editor with its own parse), posted through the Flask client with the session's CSRF token as a browser does.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from engine.data_limits import DataLimits, set_data_limits
from engine.models import HumanTask

from .data_inputs import INJECTIONS, SMALL_LIMITS, WEB, nearly_full_training, texts
from .plan_fixtures import skp_form
from .tasks_fixtures import PEGAWAI
from .tasks_fixtures import training as training  # the fixture, requested by name


@pytest.fixture
def app(demo_url: str, make_app) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The demo city with small data limits, so values beyond them are cheap to send."""
    yield make_app(demo_url, **SMALL_LIMITS)
    set_data_limits(DataLimits())


def _escaped(page: str, sent: dict[str, str]) -> None:
    """Assert that no markup that was sent comes back unescaped."""
    for value in sent.values():
        for injection in INJECTIONS:
            if "<" in injection and injection in value:
                assert injection not in page, injection
    assert "Traceback" not in page


FIELDS = st.fixed_dictionaries({}, optional={
    "nama_pelatihan": texts, "jam_pelajaran": st.one_of(texts, st.integers(-5, 500).map(str)),
    "jenis": st.one_of(texts, st.sampled_from(["teknis", "manajerial", "sosial_kultural"])),
    "tanggal_mulai": st.one_of(texts, st.just("2027-02-10")), "extra": texts})


def test_the_generated_form_answers_every_submission_with_a_refusal_or_a_success(training, as_user):
    browser = as_user(PEGAWAI)
    current: dict[str, object] = {"n": 0}

    def fresh() -> None:
        current["n"] = int(current["n"]) + 1  # type: ignore[call-overload]
        started = training(key=f"izin-{current['n']}")
        [task] = started.tasks()
        taken = browser.post_form(f"/tugas/{task.id}/ambil", token_page=f"/tugas/{task.id}")
        assert taken.status_code == 303
        current.update(started=started, task=task, token=browser.csrf(f"/tugas/{task.id}"))

    fresh()

    @WEB
    @given(FIELDS, st.sampled_from(["kirim", "draf"]))
    def post(fields: dict[str, str], action: str) -> None:
        started, task = current["started"], current["task"]
        before = started.snapshot()  # type: ignore[attr-defined]
        response = browser.post(f"/tugas/{task.id}", data={  # type: ignore[attr-defined]
            **fields, "aksi": action, "csrf_token": current["token"]})
        page = html.unescape(response.get_data(as_text=True)) if response.status_code != 303 else ""
        assert response.status_code in (303, 422), (response.status_code, page[:500])
        _escaped(response.get_data(as_text=True), fields)
        if response.status_code == 422:
            assert "Beberapa isian belum benar" in page or "lebih banyak data" in page
            assert started.snapshot() == before  # type: ignore[attr-defined]
        elif action == "kirim":
            fresh()  # the task is done: the next example needs a new one

    post()


def _open_skp_tasks(app: Flask) -> list[tuple[int, str]]:
    from webui.extensions import db
    with app.app_context():
        return [(row.id, str(row.assignee)) for row in db.session.execute(select(HumanTask).where(
            HumanTask.bpmn_id == "Task_susun_skp", HumanTask.state == "open").order_by(HumanTask.id)).scalars()]


ROWS = st.lists(st.fixed_dictionaries({"uraian": texts, "iki": st.lists(st.fixed_dictionaries(
    {"uraian": texts, "target": st.one_of(texts, st.integers(0, 2_000).map(str)), "satuan": texts}),
    max_size=2)}), max_size=2)


def test_the_skp_editor_answers_every_submission_with_a_refusal_or_a_success(app, as_user):
    waiting = _open_skp_tasks(app)
    current: dict[str, object] = {}

    def next_task() -> None:
        task_id, nip = waiting.pop(0)
        browser = as_user(nip)
        current.update(task=task_id, browser=browser, token=browser.csrf(f"/tugas/{task_id}"))

    next_task()

    @WEB
    @given(ROWS, st.dictionaries(st.sampled_from(["skp/perilaku/akuntabel", "skp/lampiran/konsekuensi",
                                                  "skp/pendekatan", "skp/rhk/9/uraian"]), texts, max_size=2))
    def post(rows: list[dict[str, object]], extra: dict[str, str]) -> None:
        browser, task_id = current["browser"], current["task"]
        before = _state(app, task_id)  # type: ignore[arg-type]
        fields = skp_form(rows, **extra)  # type: ignore[arg-type]
        response = browser.post(f"/tugas/{task_id}", data={  # type: ignore[attr-defined]
            **fields, "aksi": "kirim", "csrf_token": current["token"]})
        assert response.status_code in (303, 422), (response.status_code, response.get_data(as_text=True)[:500])
        _escaped(response.get_data(as_text=True), fields)
        if response.status_code == 422:
            assert _state(app, task_id) == before  # type: ignore[arg-type]
        else:
            next_task()

    post()


def _state(app: Flask, task_id: int) -> tuple[object, ...]:
    from engine.models import AuditEvent, Instance
    from webui.extensions import db
    with app.app_context():
        task = db.session.get(HumanTask, task_id)
        assert task is not None
        instance = db.session.get(Instance, task.instance_id)
        assert instance is not None
        events = db.session.execute(select(AuditEvent.id).where(AuditEvent.instance_id == instance.id)).all()
        return task.state, instance.version, instance.state, len(events)


def test_a_form_value_beyond_the_limits_is_refused_in_indonesian_beside_its_field(training, as_user):
    started = training()
    [task] = started.tasks()
    browser = as_user(PEGAWAI)
    browser.post_form(f"/tugas/{task.id}/ambil", token_page=f"/tugas/{task.id}")
    before = started.snapshot()
    for value, sentence in [("x" * 5_000, "Nilai ini terlalu besar untuk disimpan."),
                            ("Pelatihan\x00", "Format nilai ini tidak sesuai.")]:
        for action in ("kirim", "draf"):
            response = browser.post_form(f"/tugas/{task.id}", {
                "nama_pelatihan": value, "jam_pelajaran": "40", "jenis": "teknis", "aksi": action})
            assert response.status_code == 422
            page = html.unescape(response.get_data(as_text=True))
            assert f'id="e-nama_pelatihan">{sentence}</div>' in page, page[:3000]
            assert started.snapshot() == before


def test_a_submission_that_makes_the_instance_too_large_is_refused_with_a_sentence_in_indonesian(app, as_user):
    started = nearly_full_training(app)
    [task] = started.tasks()
    browser = as_user(PEGAWAI)
    browser.post_form(f"/tugas/{task.id}/ambil", token_page=f"/tugas/{task.id}")
    before = started.snapshot()
    response = browser.post_form(f"/tugas/{task.id}", {
        "nama_pelatihan": "P" * 4_000, "jam_pelajaran": "40", "jenis": "teknis", "aksi": "kirim"})
    assert response.status_code == 422
    assert "lebih banyak data daripada yang boleh disimpan" in html.unescape(response.get_data(as_text=True))
    assert started.snapshot() == before
