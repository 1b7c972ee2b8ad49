"""The calibration page: the unit's distribution against its rule, and a reason required for every change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engine.models import HumanTask, Instance
from engine.runtime.events import messages
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import instances
from tests.webui.rating_fixtures import (
    CALIBRATION_UNIT,
    LEADER,
    LEADER_GROUPS,
    RATED,
    Stage,
    build_stage,
    open_task,
    stage_app,
    to_calibration,
)
from workflows.calibration import calibration_units


@pytest.fixture(scope="module")
def calibration_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """BKPSDM's calibration waiting for the leader's adjustment (built once for the module)."""
    yield from build_stage(demo_template, tmp_path_factory.mktemp("calibration"), "calibration", to_calibration)


@pytest.fixture
def app(calibration_stage: Stage, tmp_path: Path, make_app: Callable[..., Flask],
        request: pytest.FixtureRequest) -> Iterator[Flask]:
    yield from stage_app(calibration_stage, tmp_path, make_app, request.node.nodeid)


def _session(app: Flask) -> Any:
    from webui.extensions import db
    return db.session


def _claimed_task(app: Flask) -> HumanTask:
    """Return the adjustment task, claimed by the leader (as the inbox's claim button does)."""
    with app.app_context():
        session = _session(app)
        row = open_task(session, "Task_sesuaikan_predikat")
        tasks.claim(session, row.id, LEADER, LEADER_GROUPS)
        session.commit()
        session.refresh(row)
        session.expunge(row)
        return row


def _calibration(app: Flask, task: HumanTask) -> dict[str, Any]:
    with app.app_context():
        return instances.variables(instances.load(_session(app), task.instance_id))


def _members(app: Flask) -> list[str]:
    with app.app_context():
        return calibration_units.members(_session(app), CALIBRATION_UNIT, 2027)


def test_the_leader_sees_the_distribution_against_the_rule_with_violations_marked_in_words(app: Flask,
                                                                                           as_user) -> None:
    task = _claimed_task(app)
    page = as_user(LEADER).get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "100.0%" in page and "paling banyak 70%" in page  # Baik: all 15, at most 70% allowed
    assert "Di luar ketentuan" in page  # the broken row says so in words, not only in red
    assert "Baik 100.0% melebihi batas 70%" in page  # the calibration's own violation text
    assert "Reza Maulana" in page and f'name="penyesuaian/{RATED}"' in page
    assert "tidak ditegakkan" not in page  # 15 members: the curve binds


def test_a_change_without_its_reason_is_refused_beside_the_field_and_nothing_changes(app: Flask, as_user) -> None:
    task = _claimed_task(app)
    members = _members(app)
    data = {f"penyesuaian/{nip}": "baik" for nip in members}
    data[f"penyesuaian/{RATED}"] = "butuh_perbaikan"
    browser = as_user(LEADER)
    response = browser.post_form(f"/tugas/{task.id}", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="why-{RATED}"' in page
    assert page.count("Predikat ini diubah: tuliskan alasannya") == 1  # only the changed employee needs one
    assert '<option value="butuh_perbaikan" selected>' in page  # the choice is shown again
    calibration = _calibration(app, task)
    assert calibration["penilaian"][RATED] == "baik" and calibration["riwayat_penyesuaian"] == []
    with app.app_context():
        assert open_task(_session(app), "Task_sesuaikan_predikat").id == task.id

    data[f"alasan_penyesuaian/{RATED}"] = "Dua target utama tidak tercapai."
    assert browser.post_form(f"/tugas/{task.id}", data).status_code == 303
    [change] = _calibration(app, task)["riwayat_penyesuaian"]
    assert (change["nip"], change["sebelum"], change["sesudah"], change["alasan"]) == (
        RATED, "baik", "butuh_perbaikan", "Dua target utama tidak tercapai.")


def test_an_employee_of_the_unit_cannot_open_the_calibration(app: Flask, as_user) -> None:
    task = _claimed_task(app)
    assert as_user(RATED).get(f"/tugas/{task.id}").status_code == 404


def test_a_group_below_the_minimum_size_is_shown_with_the_note_that_the_curve_does_not_bind(app: Flask,
                                                                                              as_user) -> None:
    with app.app_context():
        session = _session(app)
        small = calibration_units.members(session, "PUPR", 2027)
        assert 0 < len(small) < 10
        for nip in small:
            messages.send(session, "penilaian_selesai", {
                "nip": nip, "unit_kode": "PUPR", "unit_asal": "PUPR", "tahun": 2027, "predikat_usulan": "baik",
                "is_kepala_unit": False, "capaian_unit": None, "perilaku": "sesuai"}, "test")
        session.commit()
        row = session.execute(select(HumanTask).join(Instance, Instance.id == HumanTask.instance_id).where(
            Instance.business_key == "kalibrasi:2027:PUPR", HumanTask.bpmn_id == "Task_tetapkan_capaian",
            HumanTask.state == "open")).scalar_one()
        task_id = row.id
    page = as_user(LEADER).get(f"/tugas/{task_id}").get_data(as_text=True)
    assert f"Kelompok ini berisi {len(small)} pegawai, kurang dari 10" in page
    assert "Ketentuan mengikuti capaian kinerja unit, yang belum ditetapkan." in page
    assert "100.0%" in page  # all proposed Baik so far
