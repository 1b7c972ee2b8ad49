"""Later in the year: a rated employee with a final predikat stands in the appeal stage, counted against the curve."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.webui.rating_fixtures import APPRAISER, CALIBRATION_UNIT, RATED, Stage, build_stage, stage_app, to_appeal
from webui.extensions import db
from workflows.oversight import dashboard


@pytest.fixture(scope="module")
def appeal_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """Reza rated and calibrated to Butuh Perbaikan, his objection window open (built once for the module)."""
    yield from build_stage(demo_template, tmp_path_factory.mktemp("dash-appeal"), "dash-appeal", to_appeal)


@pytest.fixture
def app(appeal_stage: Stage, tmp_path: Path, make_app: Callable[..., Flask],
        request: pytest.FixtureRequest) -> Iterator[Flask]:
    yield from stage_app(appeal_stage, tmp_path, make_app, request.node.nodeid)


def test_the_year_moved_on_for_the_rated_and_their_appraiser(app: Flask, as_user) -> None:
    with app.app_context():
        rows = {r.nip: r for r in dashboard.progress(db.session, 2027, CALIBRATION_UNIT)}
    assert rows[RATED].stage == "keberatan" and rows[RATED].predikat == "butuh_perbaikan"
    assert rows[APPRAISER].stage in ("penilaian", "kalibrasi")
    others = [r.stage for nip, r in rows.items() if nip not in (RATED, APPRAISER)]
    assert others and set(others) == {"perencanaan"}
    text = as_user("pengelola.bkpsdm").get(f"/dasbor/opd/{CALIBRATION_UNIT}?tahun=2027&tahap=keberatan") \
        .get_data(as_text=True)
    assert "Reza Maulana" in text and "Butuh Perbaikan" in text and "Keberatan (1)" in text


def test_the_curve_counts_the_final_predikat_of_the_calibration_unit(app: Flask, as_user) -> None:
    with app.app_context():
        tree = dashboard.UnitTree.load(db.session)
        rows = dashboard.progress(db.session, 2027, CALIBRATION_UNIT, tree)
        [curve] = dashboard.curves(db.session, 2027, rows, tree)
    assert curve["code"] == CALIBRATION_UNIT and curve["rated"] == 1 and curve["members"] == len(rows)
    counts = {row["predikat"]: row["count"] for row in curve["rows"]}
    assert counts == {"sangat_baik": 0, "baik": 0, "butuh_perbaikan": 1, "kurang_misconduct": 0, "sangat_kurang": 0}
    text = as_user("bkpsdm").get("/dasbor/?tahun=2027").get_data(as_text=True)
    assert "1 dari" in text and "Capaian kinerja unit belum ditetapkan" in text
