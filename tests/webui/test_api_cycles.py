"""Opening a cycle through the API: pengelola city-wide or of their OPD, admins; late openings need confirming."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from engine.models import AuditEvent, Instance
from tests.webui.api_fixtures import api_for
from webui.extensions import db


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (db.session.execute(select(func.count()).select_from(Instance)).scalar_one(),
                db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_an_opened_year_opens_again_idempotently_for_city_wide_and_opd_pengelola(app: Flask) -> None:
    bkpsdm, opd = api_for(app, "bkpsdm"), api_for(app, "pengelola.disdukcapil")
    before = counts(app)
    again = bkpsdm.post("/api/v1/cycles", json={"year": 2027, "unit": "DISDUKCAPIL"})
    assert again.status_code == 200, again.get_json()
    body = again.get_json()
    assert body["year"] == 2027 and body["kinds"]["siklus_kinerja"]["started"] == 0
    assert body["kinds"]["siklus_kinerja"]["existing"] > 5
    assert opd.post("/api/v1/cycles", json={"year": 2027, "unit": "DISDUKCAPIL"}).status_code == 200
    assert counts(app)[0] == before[0]


def test_a_scoped_pengelola_opens_only_their_opd_and_others_not_at_all(app: Flask) -> None:
    opd = api_for(app, "pengelola.disdukcapil")
    others = [api_for(app, u) for u in ("inspektorat", "199201252017082002", "walikota")]
    before = counts(app)
    assert opd.post("/api/v1/cycles", json={"year": 2028}).status_code == 403
    assert opd.post("/api/v1/cycles", json={"year": 2028, "unit": "PUPR"}).status_code == 403
    assert opd.post("/api/v1/cycles", json={"year": 2028, "unit": "TIDAK-ADA"}).status_code == 404
    for api in others:
        refused = api.post("/api/v1/cycles", json={"year": 2028})
        assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    assert counts(app) == before


def test_field_errors_are_400_with_paths(app: Flask) -> None:
    api = api_for(app, "bkpsdm")
    before = counts(app)
    refused = api.post("/api/v1/cycles", json={"year": "2028", "unit": "", "confirm_late": "ya", "extra": 1})
    assert refused.status_code == 400
    errors = {(e["path"], e["code"]) for e in refused.get_json()["errors"]}
    assert errors == {("year", "invalid_type"), ("unit", "required"), ("confirm_late", "invalid_type"),
                      ("extra", "unknown_field")}
    missing = api.post("/api/v1/cycles", json={})
    assert [(e["path"], e["code"]) for e in missing.get_json()["errors"]] == [("year", "required")]
    assert counts(app) == before


def test_a_late_opening_is_409_with_the_deadlines_until_confirmed(app: Flask) -> None:
    api = api_for(app, "admin")
    before = counts(app)
    late = api.post("/api/v1/cycles", json={"year": 2026, "unit": "DISDUKCAPIL"})
    assert late.status_code == 409
    body = late.get_json()
    assert body["code"] == "late_cycle_opening" and body["deadlines"]
    assert counts(app) == before
    opened = api.post("/api/v1/cycles", json={"year": 2026, "unit": "DISDUKCAPIL", "confirm_late": True})
    assert opened.status_code == 200 and opened.get_json()["kinds"]["siklus_kinerja"]["started"] > 5
    with app.app_context():
        assert db.session.execute(select(AuditEvent.actor).where(
            AuditEvent.event_type == "cycle_opened_late")).scalar_one() == "admin"
