"""Writes refused by the matrix change nothing; ids and bodies pointing at other people's things reach nothing."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from tests.webui.rating_fixtures import APPRAISER
from workflows.models import Skp

from .calls import call, outcome
from .cast import ROLE_KEYS
from .conftest import case_in, sessions_of, tokens_of
from .routes import fill
from .state import fingerprint
from .table import OK, RULES


def test_every_refused_write_leaves_the_stored_state_as_it_was(app: Flask) -> None:
    """Each POST route, as each role it refuses, with a valid CSRF token (or a valid token): nothing changes."""
    case, browsers, apis = case_in(app), sessions_of(app), tokens_of(app)
    before = fingerprint(app)
    tried = 0
    for rule in (r for r in RULES if r.method == "POST"):
        url = fill(rule.path, case)
        for role in ROLE_KEYS:
            if rule.expected(role) == OK:
                continue
            response = call(rule, url, role, browsers[role], apis[role])
            assert outcome(response) == rule.expected(role), (rule.endpoint, role)
            tried += 1
    assert tried > 300
    assert fingerprint(app) == before


def test_a_scoped_pengelola_cannot_open_another_opds_year_through_the_api_body(app: Flask) -> None:
    api = tokens_of(app)["pengelola_lain"]  # scope PUPR
    before = fingerprint(app)
    for unit in ("BKPSDM", "BKPSDM-KINERJA", None):
        response = api.post("/api/v1/cycles", json={"year": 2028, **({"unit": unit} if unit else {})})
        assert response.status_code == 403, unit
    assert fingerprint(app) == before
    from webui.extensions import db
    with app.app_context():
        assert db.session.execute(select(Skp.id).where(Skp.year == 2028)).first() is None


def test_the_employee_changing_ids_reaches_none_of_his_appraisers_things(app: Flask) -> None:
    """Reza's own session and token against Teguh's appraisal, task, rating and documents: all 404."""
    case = case_in(app)
    browser, api = sessions_of(app)["pegawai"], tokens_of(app)["pegawai"]
    before = fingerprint(app)
    pages = [f"/penilaian/{case.appraiser_instance}", f"/penilaian/{case.appraiser_instance}/diagram",
             f"/tugas/{case.appraiser_task}", f"/tugas/{case.done_task}",
             f"/tugas/{case.appraiser_task}/pratinjau-predikat?capaian_unit=baik&perilaku=sesuai",
             f"/dasbor/pegawai/{APPRAISER}/2027/skp.pdf", f"/dasbor/pegawai/{APPRAISER}/2027/evaluasi.pdf",
             f"/audit/instans/{case.instance}"]
    for path in pages:
        assert browser.get(path).status_code == 404, path
    for path in (f"/api/v1/instances/{case.appraiser_instance}", f"/api/v1/instances/{case.appraiser_instance}/events",
                 f"/api/v1/tasks/{case.appraiser_task}", f"/api/v1/tasks/{case.done_task}"):
        assert api.get(path).status_code == 404, path
    token = browser.csrf("/kata-sandi")
    for path in (f"/tugas/{case.appraiser_task}", f"/tugas/{case.appraiser_task}/ambil",
                 f"/tugas/{case.group_task}/ambil", f"/tugas/{case.appraiser_task}/draf/hapus"):
        assert browser.post(path, data={"csrf_token": token, "capaian_unit": "istimewa"}).status_code == 404, path
    for path in (f"/api/v1/tasks/{case.appraiser_task}/complete", f"/api/v1/tasks/{case.group_task}/claim"):
        assert api.post(path, json={"capaian_unit": "istimewa"}).status_code == 404, path
    from engine.models import Notification
    from webui.extensions import db
    with app.app_context():
        theirs = db.session.execute(select(Notification.id).where(
            Notification.recipient == APPRAISER)).scalars().first()
    assert browser.post(f"/notifikasi/{theirs}/baca", data={"csrf_token": token}).status_code == 404
    assert fingerprint(app) == before


def test_the_appraiser_reads_the_rating_he_completed_and_nobody_else_does(app: Flask) -> None:
    case, browsers = case_in(app), sessions_of(app)
    assert browsers["penilai"].get(f"/tugas/{case.done_task}").status_code == 200
    for role in ROLE_KEYS:
        if role not in ("penilai", "anonim"):
            assert browsers[role].get(f"/tugas/{case.done_task}").status_code == 404, role


def test_a_withdrawn_role_closes_its_routes_on_the_next_request(app: Flask) -> None:
    """Roles are read per request: a session and a token opened before the change lose the auditor's pages."""
    case = case_in(app)
    browser, api = sessions_of(app)["inspektorat"], tokens_of(app)["inspektorat"]
    assert browser.get(f"/audit/instans/{case.instance}").status_code == 200
    assert api.get(f"/api/v1/instances/{case.instance}").status_code == 200
    from webui.extensions import db
    from workflows.models.org import UserAccount
    with app.app_context():
        account = db.session.execute(select(UserAccount).where(UserAccount.username == "inspektorat")).scalar_one()
        account.roles = []
        db.session.commit()
    assert browser.get(f"/audit/instans/{case.instance}").status_code == 404
    assert browser.get(f"/penilaian/{case.instance}").status_code == 404
    assert api.get(f"/api/v1/instances/{case.instance}").status_code == 404
