"""The auditors' pages: who gets in, the instance search and its filters, and the trail of one instance."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event, func, select

from engine.models import Instance
from tests.demo_city import Browser
from tests.webui.appraisal_fixtures import AGUS, MAYA, instance_of, views_of
from webui.extensions import db

AUDITORS = ("inspektorat", "admin")
OTHERS = ("pengelola.disdukcapil", "bkpsdm", MAYA, AGUS)
PAGES = ("/audit/", "/audit/akses", "/audit/verifikasi")


def test_auditors_see_the_pages_and_nobody_else_does(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    for username in AUDITORS:
        client = as_user(username)
        for path in (*PAGES, f"/audit/instans/{iid}"):
            assert client.get(path).status_code == 200, (username, path)
        assert 'href="/audit/"' in client.get("/").get_data(as_text=True)  # the navbar's link
    for username in OTHERS:
        client = as_user(username)
        for path in (*PAGES, f"/audit/instans/{iid}", f"/audit/instans/{iid}/berkas.json",
                     "/audit/verifikasi/1.json"):
            assert client.get(path).status_code == 404, (username, path)
        assert client.post("/audit/verifikasi", data={"csrf_token": client.csrf()}).status_code == 404
        assert 'href="/audit/"' not in client.get("/").get_data(as_text=True)
    assert views_of(app, iid) == [(u, {"dilihat": "jejak_audit", "peran": u}) for u in AUDITORS]


def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get("/audit/")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_search_by_nip_name_year_process_and_state(app: Flask, as_user) -> None:
    auditor = as_user("inspektorat")
    iid = instance_of(app, MAYA)
    by_nip = auditor.get(f"/audit/?cari={MAYA}").get_data(as_text=True)
    assert f"/audit/instans/{iid}" in by_nip and "Maya Sari" in by_nip and "1 instans ditemukan" in by_nip
    with app.app_context():
        state = db.session.get(Instance, iid).status
    other_state = "completed" if state != "completed" else "error"
    by_name = auditor.get(f"/audit/?cari=maya+sari&tahun=2027&proses=siklus_kinerja&status={state}")
    assert f"/audit/instans/{iid}" in by_name.get_data(as_text=True)
    assert "Maya Sari" not in auditor.get("/audit/?cari=maya&tahun=2026").get_data(as_text=True)
    assert "Maya Sari" not in auditor.get(f"/audit/?cari=maya&status={other_state}").get_data(as_text=True)
    assert "Maya Sari" not in auditor.get("/audit/?cari=maya&proses=kalibrasi_unit").get_data(as_text=True)


def test_every_instance_kind_is_found_and_a_unit_includes_its_sub_units(app: Flask, as_user) -> None:
    auditor = as_user("inspektorat")
    with app.app_context():
        kinds = set(db.session.execute(select(Instance.process_id)).scalars())
        total = db.session.execute(select(func.count()).select_from(Instance)).scalar_one()
        unit = db.session.execute(select(func.min(Instance.id)).where(
            Instance.process_id == "kalibrasi_unit")).scalar_one()
    assert {"siklus_kinerja", "kalibrasi_unit"} <= kinds
    page = auditor.get("/audit/").get_data(as_text=True)
    assert f"{total} instans ditemukan" in page
    calibrations = auditor.get("/audit/?proses=kalibrasi_unit").get_data(as_text=True)
    assert f"/audit/instans/{unit}" in calibrations and "Maya Sari" not in calibrations
    # the Dinas (an OPD) holds Maya, who works in a section two levels below it
    opd = _unit_id(app, "Dinas Kependudukan")
    assert "Maya Sari" in auditor.get(f"/audit/?unit={opd}&cari=maya").get_data(as_text=True)
    other = _unit_id(app, "Dinas Pekerjaan Umum")
    assert "Maya Sari" not in auditor.get(f"/audit/?unit={other}&cari=maya").get_data(as_text=True)


def _unit_id(app: Flask, name_start: str) -> int:
    from workflows.models.org import Unit
    with app.app_context():
        return db.session.execute(select(Unit.id).where(Unit.name.like(f"{name_start}%"))
                                  .order_by(Unit.id).limit(1)).scalar_one()


def test_a_bad_year_or_state_is_refused_beside_its_field(as_user) -> None:
    page = as_user("inspektorat").get("/audit/?tahun=20x7&status=meledak").get_data(as_text=True)
    assert "Masukkan tahun antara 2000 dan 2100." in page and "Pilih status dari daftar." in page


def test_the_search_pages_in_a_fixed_number_of_statements(make_app, demo_url) -> None:
    app = make_app(demo_url, KINERJA_AUDIT_PAGE_SIZE=5)
    app.test_client_class = Browser
    client = app.test_client()
    client.sign_in("inspektorat")
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    counts = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for size, page in ((5, 1), (5, 2), (40, 1)):
            app.config["KINERJA_AUDIT_PAGE_SIZE"] = size
            statements.clear()
            body = client.get(f"/audit/?halaman={page}").get_data(as_text=True)
            assert body.count('aria-label="Jejak audit instans') == size
            counts.append(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert counts[0] == counts[1] == counts[2]
    assert 'href="/audit/?halaman=2"' in client.get("/audit/").get_data(as_text=True)  # the pager
