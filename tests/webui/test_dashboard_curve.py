"""A calibration unit's predikat against the curve its unit rating sets (pola_distribusi.dmn of its calibration)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.webui.rating_fixtures import CALIBRATION_UNIT, Stage, build_stage, stage_app, to_calibration
from webui.extensions import db
from workflows.calibration import calibration_units
from workflows.models.org import Employee
from workflows.models.skp import Skp
from workflows.oversight import dashboard
from workflows.rating import ratings


@pytest.fixture(scope="module")
def calibration_stage(demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """BKPSDM rated Baik as a unit, every member proposed Baik (built once for the module)."""
    yield from build_stage(demo_template, tmp_path_factory.mktemp("dash-curve"), "dash-curve", to_calibration)


@pytest.fixture
def app(calibration_stage: Stage, tmp_path: Path, make_app: Callable[..., Flask],
        request: pytest.FixtureRequest) -> Iterator[Flask]:
    yield from stage_app(calibration_stage, tmp_path, make_app, request.node.nodeid)


def curve_of(app: Flask) -> dict:
    with app.app_context():
        tree = dashboard.UnitTree.load(db.session)
        rows = dashboard.progress(db.session, 2027, CALIBRATION_UNIT, tree)
        [curve] = dashboard.curves(db.session, 2027, rows, tree)
        return curve


def test_the_unit_rating_gives_the_curve_before_any_predikat_is_final(app: Flask) -> None:
    curve = curve_of(app)
    assert curve["capaian"] == "baik" and curve["limits"] is not None and curve["rated"] == 0
    assert not any(row["broken"] for row in curve["rows"])


def test_everyone_baik_breaks_the_curve_of_a_unit_rated_baik(app: Flask, as_user) -> None:
    with app.app_context():
        nips = calibration_units.members(db.session, CALIBRATION_UNIT, 2027)
        for skp in db.session.execute(select(Skp).join(Employee, Employee.id == Skp.employee_id)
                                      .where(Employee.nip.in_(nips), Skp.year == 2027)).scalars():
            ratings.change_predikat(db.session, skp, "baik", "kalibrasi", "walikota")
        db.session.commit()
    curve = curve_of(app)
    baik = next(row for row in curve["rows"] if row["predikat"] == "baik")
    assert curve["rated"] == len(nips) and baik["percent"] == 100.0
    assert baik["max"] == curve["limits"]["maks_baik"] < 100 and baik["broken"]
    text = as_user("bkpsdm").get("/dasbor/?tahun=2027").get_data(as_text=True)
    assert "di luar kurva" in text and "dash-bar-broken" in text and "Capaian kinerja unit: Baik." in text
