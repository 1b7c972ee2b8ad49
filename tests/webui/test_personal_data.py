"""Data-subject rights (UU 27/2022): an employee downloads their own data and sees who viewed their appraisal.

Only the signed-in account's own data is ever read (no parameter names another person), each download and
each look at the list is audited in the same transaction, and the copy never holds a rater's identity.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from engine import audit
from engine.models import AuditEvent
from tests.webui.api_fixtures import api_for
from tests.webui.appraisal_fixtures import AGUS, IRFAN, MAYA, instance_of
from webui.extensions import db

EXPORTED, LISTED = "personal_data_exported", "record_views_listed"


def global_events(app: Flask, event_type: str) -> list[tuple[str, dict[str, Any]]]:
    """Return (actor, data) of the global chain's events of a type, oldest first."""
    with app.app_context():
        rows = db.session.execute(select(AuditEvent).where(
            AuditEvent.chain == audit.GLOBAL_CHAIN, AuditEvent.event_type == event_type).order_by(AuditEvent.seq))
        return [(e.actor, json.loads(e.data)) for e in rows.scalars()]


def download(browser: Any) -> dict[str, Any]:
    response = browser.post_form("/data-pribadi/unduh", token_page="/data-pribadi/")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and MAYA in disposition and disposition.endswith('.json"')
    return json.loads(response.get_data(as_text=True))


def test_the_employee_downloads_exactly_her_own_data_and_the_download_is_audited(app: Flask, as_user) -> None:
    browser = as_user(MAYA)
    copy = download(browser)
    assert copy["skema"] == "kinerja.data-pribadi" and copy["versi"] == 1
    assert "UU No. 27 Tahun 2022" in copy["dasar_hukum"]
    assert datetime.fromisoformat(copy["generated_at"]).tzinfo is not None and "T" in copy["generated_at"]
    assert copy["pegawai"]["nip"] == MAYA and copy["pegawai"]["nama"].startswith("Maya Sari")
    assert copy["akun"]["username"] == MAYA
    assert copy["riwayat_jabatan"] and copy["riwayat_jabatan"][0]["jabatan"]
    [own] = copy["penilaian"]
    assert own["instance_id"] == instance_of(app, MAYA) and own["tahun"] == 2027
    assert own["pejabat_penilai"]["nama"].startswith("Agus Salim")  # the official acting on her file
    text = json.dumps(copy)
    assert "password" not in text and "pbkdf2" not in text and "scrypt" not in text  # no password hash
    assert IRFAN not in text and "Irfan Hakim" not in text  # a colleague is nowhere in it
    assert copy["ringkasan"]["penilaian"] == 1
    # Audited on the global chain with what was exported (sections and counts), never the data itself.
    [(actor, data)] = global_events(app, EXPORTED)
    assert actor == MAYA and data["nip"] == MAYA and data["lewat"] == "web"
    assert data["bagian"] == copy["ringkasan"] and "Maya" not in json.dumps(data)


def test_who_viewed_lists_the_looks_at_her_own_appraisal_only_newest_first(app: Flask, as_user) -> None:
    own, other = instance_of(app, MAYA), instance_of(app, IRFAN)
    assert as_user(AGUS).get(f"/penilaian/{own}").status_code == 200
    assert as_user("inspektorat").get(f"/penilaian/{own}").status_code == 200
    assert as_user("inspektorat").get(f"/penilaian/{other}").status_code == 200  # not hers: not listed
    page = as_user(MAYA).get("/data-pribadi/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Data pribadi saya" in text and "Siapa yang melihat penilaian saya" in text
    rows = text.split('<table', 1)[1].split("<tbody>", 1)[1].split("</tr>")
    # Newest first: Inspektorat (named as its unit) above the appraiser (by name and position).
    assert "Inspektorat Daerah" in rows[0] and "Inspektorat" in rows[0]
    assert "Agus Salim" in rows[1] and "Pejabat Penilai Kinerja" in rows[1]
    assert "Penilaian saya 2 kali dilihat" in text
    assert "Irfan" not in text
    [(actor, data)] = global_events(app, LISTED)
    assert actor == MAYA and data == {"akun": MAYA, "halaman": 1, "lewat": "web", "nip": MAYA}


def test_no_parameter_reaches_another_persons_data(app: Flask, as_user) -> None:
    irfan = instance_of(app, IRFAN)
    assert as_user(AGUS).get(f"/penilaian/{irfan}").status_code in (200, 404)
    browser = as_user(MAYA)
    for query in (f"?nip={IRFAN}", f"?username={IRFAN}", f"?instance_id={irfan}", f"?akun=2&pegawai={IRFAN}"):
        page = browser.get(f"/data-pribadi/{query}").get_data(as_text=True)
        assert "Irfan" not in page
        copy = json.loads(browser.post_form(f"/data-pribadi/unduh{query}", {"nip": IRFAN, "username": IRFAN},
                                            token_page="/data-pribadi/").get_data(as_text=True))
        assert copy["pegawai"]["nip"] == MAYA and IRFAN not in json.dumps(copy)
    api = api_for(app, MAYA)
    for query in (f"?nip={IRFAN}", f"?instance_id={irfan}"):
        assert api.get(f"/api/v1/me/personal-data{query}").get_json()["pegawai"]["nip"] == MAYA
        assert api.get(f"/api/v1/me/views{query}").get_json() == {"total": 0, "items": []}
    assert browser.get(f"/data-pribadi/{IRFAN}").status_code == 404


def test_signed_out_visitors_and_a_get_download_are_refused(app: Flask, client) -> None:
    assert client.get("/data-pribadi/").status_code == 302  # to sign in
    assert client.post("/data-pribadi/unduh").status_code in (302, 400)
    assert global_events(app, EXPORTED) == []


def test_the_download_needs_the_forms_csrf_token(app: Flask, as_user) -> None:
    response = as_user(MAYA).post("/data-pribadi/unduh")
    assert response.status_code == 400
    assert global_events(app, EXPORTED) == []


def test_the_api_gives_the_same_copy_and_the_views_and_audits_both(app: Flask, as_user) -> None:
    own = instance_of(app, MAYA)
    as_user(AGUS).get(f"/penilaian/{own}")
    api = api_for(app, MAYA)
    copy = api.get("/api/v1/me/personal-data")
    assert copy.status_code == 200 and copy.get_json()["pegawai"]["nip"] == MAYA
    views = api.get("/api/v1/me/views?limit=10").get_json()
    assert views["total"] == 1
    [view] = views["items"]
    assert view["instance_id"] == own and view["nama"].startswith("Agus Salim") and view["peran"] == "pejabat_penilai"
    assert view["dilihat"] == "halaman"
    assert api.get("/api/v1/me/views?limit=0").status_code == 400
    assert [d["lewat"] for _, d in global_events(app, EXPORTED)] == ["api"]
    assert [d["lewat"] for _, d in global_events(app, LISTED)] == ["api"]


def test_a_staff_account_gets_its_account_and_no_appraisals(app: Flask, as_user) -> None:
    browser = as_user("inspektorat")
    assert "Akun ini tidak memiliki penilaian" in browser.get("/data-pribadi/").get_data(as_text=True)
    response = browser.post_form("/data-pribadi/unduh", token_page="/data-pribadi/")
    copy = json.loads(response.get_data(as_text=True))
    assert copy["pegawai"] is None and copy["penilaian"] == [] and copy["akun"]["username"] == "inspektorat"
    assert 'filename="data-pribadi-inspektorat-' in response.headers["Content-Disposition"]


def test_the_download_and_the_look_appear_in_the_employees_own_timeline(app: Flask, as_user) -> None:
    browser = as_user(MAYA)
    download(browser)
    browser.get("/data-pribadi/")
    with app.app_context():
        from workflows.data_protection import privacy
        trail = privacy.trail_for_employee(db.session, MAYA, 2027)
    assert {EXPORTED, LISTED} <= {e["event_type"] for e in trail}


def test_auditors_find_the_download_and_the_look_among_the_recorded_looks(app: Flask, as_user) -> None:
    browser = as_user(MAYA)
    download(browser)
    browser.get("/data-pribadi/")
    auditor = as_user("inspektorat")
    page = auditor.get("/audit/akses?pegawai=Maya").get_data(as_text=True)
    assert "Data pribadi sendiri diunduh" in page and "Daftar yang melihat penilaian dibuka" in page
    assert "Maya Sari" in page
    other = auditor.get(f"/audit/akses?pegawai={IRFAN}").get_data(as_text=True)
    assert "Data pribadi sendiri diunduh" not in other
