"""The downloaded copy after a rated year: the whole result, never who rated the employee nor a single answer.

On the appeal stage (Reza rated, three colleagues' multi-rater answers on record, the calibration lowered his
predikat with a reason), his copy holds the aggregate he may see today and none of the raters; his appraiser's
copy says he completed a rating, but not what Reza's file holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.webui.rating_fixtures import (
    APPRAISER,
    CALIBRATION_REASON,
    RATED,
    RATERS,
    Stage,
    build_stage,
    stage_app,
    to_appeal,
)
from workflows.organisation.demo_org import EMPLOYEES

NAMES = {nip: name for nip, name, *_ in EMPLOYEES}


@pytest.fixture(scope="module")
def appeal_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """Reza rated, his predikat lowered at calibration (built once for the module)."""
    yield from build_stage(demo_template, tmp_path_factory.mktemp("subject"), "subject", to_appeal)


@pytest.fixture
def app(appeal_stage: Stage, tmp_path: Path, make_app: Callable[..., Flask],
        request: pytest.FixtureRequest) -> Iterator[Flask]:
    yield from stage_app(appeal_stage, tmp_path, make_app, request.node.nodeid)


def copy_of(as_user: Callable[[str], Any], username: str) -> dict[str, Any]:
    response = as_user(username).post_form("/data-pribadi/unduh", token_page="/data-pribadi/")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def test_the_rated_employees_copy_holds_his_result_and_no_rater(app: Flask, as_user) -> None:
    copy = copy_of(as_user, RATED)
    text = json.dumps(copy, ensure_ascii=False)
    [appraisal] = copy["penilaian"]
    assert [p["predikat"] for p in appraisal["predikat"]] == ["baik", "butuh_perbaikan"]
    assert CALIBRATION_REASON in appraisal["predikat"][-1]["alasan"]  # the calibration's reason
    [annual] = [r for r in appraisal["penilaian"] if r["periode"] == "akhir"]
    assert annual["predikat_usulan"] == "baik" and annual["rincian"]
    assert appraisal["realisasi"] and appraisal["rencana"]["rhk"]
    # Multi-rater feedback only as the aggregate he may see: means over three, no one's answer apart.
    peers = appraisal["umpan_balik_rekan"]
    assert peers["jumlah_rekan_menjawab"] == 3 and peers["agregat_rekan"]["akuntabel"]["jumlah"] == 3
    assert peers["penilaian_diri"]["nilai"] == {"akuntabel": 5}
    for nip in RATERS:
        assert nip not in text and NAMES[nip] not in text
    assert "rater_nip" not in text


def test_the_appraisers_copy_does_not_hold_the_file_of_the_employee_he_rated(app: Flask, as_user) -> None:
    copy = copy_of(as_user, APPRAISER)
    text = json.dumps(copy, ensure_ascii=False)
    done = [t for t in copy["tugas_diselesaikan"] if not t["berkas_sendiri"]]
    assert done and all(t["instance_id"] is None for t in done)  # he rated someone: that he did, not what
    assert "Target layanan tercapai." not in text and CALIBRATION_REASON not in text
    assert RATED not in text and NAMES[RATED] not in text
    for nip in RATERS:
        assert nip not in text
