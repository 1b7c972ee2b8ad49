"""The annual rating page: the year's file, the parts and overall ratings, the predikat shown before submitting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from engine.models import HumanTask, Instance
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import instances
from tests.webui.rating_fixtures import (
    APPRAISER,
    HEAD_APPRAISER,
    LEADER,
    LEADER_GROUPS,
    RATED,
    RATERS,
    Stage,
    build_stage,
    cycle_of,
    open_task,
    stage_app,
    to_rating,
)
from workflows.models import PredikatRecord, Rating, RatingDetail
from workflows.models.skp import BERAKHLAK, Rhk
from workflows.organisation.demo_org import EMPLOYEES

NAMES = {nip: name for nip, name, *_ in EMPLOYEES}


@pytest.fixture(scope="module")
def rating_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """The demo city with Reza's annual rating open for his appraiser (built once for the module)."""
    yield from build_stage(demo_template, tmp_path_factory.mktemp("rating"), "rating", to_rating)


@pytest.fixture
def app(rating_stage: Stage, tmp_path: Path, make_app: Callable[..., Flask],
        request: pytest.FixtureRequest) -> Iterator[Flask]:
    yield from stage_app(rating_stage, tmp_path, make_app, request.node.nodeid)


def _db(app: Flask):  # type: ignore[no-untyped-def]
    from webui.extensions import db
    return db.session


def _task(app: Flask) -> HumanTask:
    with app.app_context():
        row = open_task(_db(app), "Task_nilai", cycle_of(_db(app), RATED))
        _db(app).expunge(row)
        return row


def _rhk_ids(app: Flask) -> list[int]:
    with app.app_context():
        from workflows.planning import skp
        found = skp.require_skp(_db(app), cycle_of(_db(app), RATED))
        return list(_db(app).execute(select(Rhk.id).where(Rhk.skp_id == found.id).order_by(Rhk.id)).scalars())


def _form(rhk_ids: list[int], hasil: str = "di_atas", perilaku: str = "di_atas") -> dict[str, str]:
    data = {"hasil_kerja": hasil, "perilaku": perilaku, "catatan_penilaian": "Capaian melampaui target."}
    for i, rhk_id in enumerate(rhk_ids):
        data[f"penilaian_rhk/{i}/rhk_id"] = str(rhk_id)
        data[f"penilaian_rhk/{i}/rating"] = "di_atas"
        data[f"penilaian_rhk/{i}/catatan"] = "Bukti lengkap."
    data.update({f"penilaian_perilaku/{code}": perilaku for code in BERAKHLAK})
    return data


def test_the_appraiser_sees_the_years_record_and_the_peer_aggregate_without_raters(app: Flask, as_user) -> None:
    task = _task(app)
    page = as_user(APPRAISER).get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Layanan KTP-el" in page and "Triwulan IV-Akhir" in page  # SKP and realisations
    assert "https://arsip.samarindakota.go.id/bukti/" in page  # evidence links
    assert "Sesuai rencana." in page  # the feedback given during the year
    assert "Komentar rekan nomor 1." in page  # the aggregate's comments (3 answered: k reached)
    assert "Berorientasi Pelayanan" in page and 'name="penilaian_perilaku/akuntabel"' in page
    # Never who answered: no rater NIP, no rater name anywhere in the page.
    for nip in RATERS:
        assert nip not in page and NAMES[nip] not in page


def test_the_predikat_is_shown_before_submitting_and_matches_what_the_process_records(app: Flask, as_user) -> None:
    task = _task(app)
    browser = as_user(APPRAISER)
    page = browser.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert f'data-preview-url="/tugas/{task.id}/pratinjau-predikat"' in page and "js/rating.js" in page
    preview = browser.get(f"/tugas/{task.id}/pratinjau-predikat?hasil_kerja=di_atas&perilaku=di_atas").get_json()
    assert preview == {"predikat": "sangat_baik", "label": "Sangat Baik"}
    assert browser.get(f"/tugas/{task.id}/pratinjau-predikat?hasil_kerja=di_bawah&perilaku=di_bawah"
                       ).get_json()["predikat"] == "sangat_kurang"
    assert browser.get(f"/tugas/{task.id}/pratinjau-predikat?perilaku=sesuai").get_json()["predikat"] is None
    rhk_ids = _rhk_ids(app)
    response = browser.post_form(f"/tugas/{task.id}", _form(rhk_ids), token_page=f"/tugas/{task.id}")
    assert response.status_code == 303
    with app.app_context():
        rating = _db(app).execute(select(Rating).where(Rating.period == "akhir")).scalar_one()
        assert (rating.hasil_kerja, rating.perilaku, rating.predikat_usulan, rating.rated_by) == (
            "di_atas", "di_atas", "sangat_baik", APPRAISER)
        details = _db(app).execute(select(RatingDetail).where(RatingDetail.rating_id == rating.id)).scalars().all()
        assert sorted(d.value_code for d in details if d.value_code) == sorted(BERAKHLAK)
        assert [d.note for d in details if d.rhk_id] == ["Bukti lengkap."] * len(rhk_ids)
        record = _db(app).execute(select(PredikatRecord)).scalar_one()
        assert (record.predikat, record.source) == (preview["predikat"], "rating")
        variables = instances.variables(instances.load(_db(app), cycle_of(_db(app), RATED)))
        assert variables["predikat_usulan"] == "sangat_baik"
    # A second submission of the same task is refused; nothing more is stored.
    again = browser.post(f"/tugas/{task.id}", data={"csrf_token": browser.csrf("/"), **_form(rhk_ids)})
    assert again.status_code in (404, 409, 422)
    with app.app_context():
        assert len(_db(app).execute(select(Rating).where(Rating.period == "akhir")).scalars().all()) == 1


def test_an_incomplete_rating_is_refused_with_indonesian_errors_and_nothing_is_stored(app: Flask, as_user) -> None:
    task = _task(app)
    browser = as_user(APPRAISER)
    data = _form(_rhk_ids(app))
    data["penilaian_rhk/0/rating"] = ""  # an RHK not rated
    del data["penilaian_perilaku/harmonis"]  # a value not rated
    data["hasil_kerja"] = ""  # no overall results rating
    response = browser.post_form(f"/tugas/{task.id}", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("Isian ini wajib diisi.") >= 3
    assert 'id="rhk-0-rating"' in page and "is-invalid" in page
    # What was chosen is shown again, and the predikat of the submitted pair is not guessed.
    assert 'value="di_atas" selected' in page
    with app.app_context():
        assert _db(app).execute(select(Rating).where(Rating.period == "akhir")).first() is None
        assert _db(app).execute(select(PredikatRecord)).first() is None
        assert open_task(_db(app), "Task_nilai").id == task.id


def test_nobody_else_sees_the_rating_task_or_its_preview(app: Flask, as_user) -> None:
    task = _task(app)
    for user in (RATED, RATERS[0]):
        browser = as_user(user)
        assert browser.get(f"/tugas/{task.id}").status_code == 404
        assert browser.get(f"/tugas/{task.id}/pratinjau-predikat?hasil_kerja=sesuai&perilaku=sesuai"
                           ).status_code == 404


def test_a_unit_head_is_rated_per_value_and_the_predikat_follows_the_unit_rating(app: Flask, as_user) -> None:
    with app.app_context():
        row = open_task(_db(app), "Task_nilai_kepala_unit", cycle_of(_db(app), APPRAISER))
        task_id = row.id
    browser = as_user(HEAD_APPRAISER)
    page = browser.get(f"/tugas/{task_id}").get_data(as_text=True)
    assert 'name="capaian_unit"' in page and 'name="penilaian_perilaku/kolaboratif"' in page
    assert "penilaian_rhk/" not in page  # a head's results are the unit's: no per-RHK rating
    # Istimewa gives results above expectations (hasil_kerja_kepala_unit.dmn), then the predikat matrix.
    preview = browser.get(f"/tugas/{task_id}/pratinjau-predikat?capaian_unit=istimewa&perilaku=di_atas").get_json()
    assert preview["predikat"] == "sangat_baik"
    data = {"capaian_unit": "istimewa", "perilaku": "di_atas",
            **{f"penilaian_perilaku/{code}": "di_atas" for code in BERAKHLAK}}
    assert browser.post_form(f"/tugas/{task_id}", data).status_code == 303
    with app.app_context():
        variables = instances.variables(instances.load(_db(app), cycle_of(_db(app), APPRAISER)))
        assert (variables["hasil_kerja"], variables["predikat_usulan"]) == ("di_atas", preview["predikat"])


def test_the_leader_sets_the_periodic_unit_rating_seeing_the_earlier_ones(app: Flask, as_user) -> None:
    def open_period_task() -> int:
        with app.app_context():
            session = _db(app)
            row = session.execute(select(HumanTask).join(Instance, Instance.id == HumanTask.instance_id).where(
                Instance.business_key == "capaian:2027:BKPSDM", HumanTask.state == "open")).scalar_one()
            tasks.claim(session, row.id, LEADER, LEADER_GROUPS)
            session.commit()
            return row.id

    browser = as_user(LEADER)
    first = open_period_task()
    page = browser.get(f"/tugas/{first}").get_data(as_text=True)
    assert "Triwulan I" in page and "Belum ada: ini periode pertama tahun ini." in page
    assert browser.post_form(f"/tugas/{first}", {"capaian_unit_periode": "istimewa"}).status_code == 303
    page = browser.get(f"/tugas/{open_period_task()}").get_data(as_text=True)
    assert "Triwulan II" in page and "Triwulan I: Istimewa" in page


def test_the_rating_page_speaks_english_when_chosen_with_domain_words_kept(app: Flask, as_user) -> None:
    task = _task(app)
    browser = as_user(APPRAISER)
    browser.post_form("/bahasa/en", token_page=f"/tugas/{task.id}")
    page = browser.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Above expectations" in page and "Rating per RHK" in page and "Berorientasi Pelayanan" in page
    assert "Di atas ekspektasi" not in page.split("Rating per RHK")[1]
