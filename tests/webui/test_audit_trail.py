"""The trail of one instance for auditors: changes before and after, confidential answers marked, the looks,
the chain state, and the case dossier as JSON, CSV and PDF."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest
from flask import Flask
from sqlalchemy import update

from engine import audit
from engine.models import AuditEvent
from tests.webui.appraisal_fixtures import MAYA, instance_of, views_of
from tests.webui.plan_fixtures import APPRAISER, EMPLOYEE, agree_skp
from webui.extensions import db

SECRET = "jawaban-rahasia-5521"


def _confidential(app: Flask, iid: int) -> None:
    with app.app_context():
        audit.record(db.session, audit.CONFIDENTIAL_EVENT, MAYA, instance_id=iid,
                     data={"confidential": True, "submitted": {"komentar": SECRET}})
        db.session.commit()


def test_the_trail_shows_changes_names_and_wita_times(app: Flask, as_user) -> None:
    iid = agree_skp(app, EMPLOYEE, APPRAISER)
    page = as_user("inspektorat").get(f"/audit/instans/{iid}").get_data(as_text=True)
    assert "Tugas diselesaikan" in page and "Data sebelum dan sesudah" in page
    assert "keputusan_skp" in page and "setuju" in page  # the review's decision, before (—) and after
    assert "Agus Salim" in page and "Rendi Saputra" in page  # who, by name
    assert "Siklus penilaian dimulai" in page and "09.00" in page  # Indonesian words, WITA (01:00 UTC)
    assert "Rantai instans (apa yang terjadi): utuh" in page and "Rantai akses (siapa melihat): utuh" in page
    assert f'href="/penilaian/{iid}"' in page  # an appraisal: its page is a click away


def test_confidential_answers_are_shown_to_the_auditor_but_marked(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    _confidential(app, iid)
    page = as_user("inspektorat").get(f"/audit/instans/{iid}").get_data(as_text=True)
    assert SECRET in page and "Jawaban rahasia dicatat" in page
    assert 'badge text-bg-warning">Rahasia' in page and "hanya untuk auditor" in page


def test_reading_a_trail_is_recorded_and_shown_on_the_access_chain(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    before = _chain_length(app, iid)
    auditor = as_user("inspektorat")
    auditor.get(f"/audit/instans/{iid}")
    page = auditor.get(f"/audit/instans/{iid}").get_data(as_text=True)
    assert views_of(app, iid) == [("inspektorat", {"dilihat": "jejak_audit", "peran": "inspektorat"})] * 2
    assert "Penilaian dilihat" in page and "jejak audit" in page  # the first look is in the second page
    assert _chain_length(app, iid) == before  # reading never touches the instance's own chain
    # the employee may know who read her records: the look is in her appraisal's timeline, in words
    own = as_user(MAYA).get(f"/penilaian/{iid}").get_data(as_text=True)
    assert "Penilaian dilihat" in own and re.search(r"inspektorat\s*·\s*jejak audit", own)


def _chain_length(app: Flask, iid: int) -> int:
    with app.app_context():
        return len(audit.events_of(db.session, iid))


def test_an_edited_event_shows_the_chain_broken(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    with app.app_context():
        target = audit.events_of(db.session, iid)[0]
        db.session.execute(update(AuditEvent).where(AuditEvent.id == target.id).values(actor="penyusup"))
        db.session.commit()
    page = as_user("admin").get(f"/audit/instans/{iid}").get_data(as_text=True)
    assert "Rantai instans (apa yang terjadi): RUSAK" in page and "peristiwa 1:" in page
    assert "Rantai akses (siapa melihat): utuh" in page


def test_an_unknown_instance_is_not_found(as_user) -> None:
    auditor = as_user("inspektorat")
    for path in ("/audit/instans/999999", "/audit/instans/999999/berkas.pdf", "/audit/instans/999999/berkas.csv"):
        assert auditor.get(path).status_code == 404
    assert auditor.get("/audit/instans/1/berkas.exe").status_code == 404


def test_the_dossier_as_json_and_csv(app: Flask, as_user) -> None:
    iid = agree_skp(app, EMPLOYEE, APPRAISER)
    auditor = as_user("inspektorat")
    response = auditor.get(f"/audit/instans/{iid}/berkas.json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    events = json.loads(response.get_data(as_text=True))
    completed = [e for e in events if e["event_type"] == "task_completed"]
    assert len(completed) == 3 and all(e["chain"] == f"instance:{iid}" for e in events)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    rows = list(csv.DictReader(io.StringIO(auditor.get(f"/audit/instans/{iid}/berkas.csv").get_data(as_text=True))))
    assert [int(r["id"]) for r in rows] == [e["id"] for e in events] and rows[0]["hash"] == events[0]["hash"]
    # each download is a recorded look
    assert [d["dilihat"] for _, d in views_of(app, iid)] == ["berkas", "berkas"]


def test_the_dossier_pdf(app: Flask, as_user, tmp_path) -> None:
    iid = agree_skp(app, EMPLOYEE, APPRAISER)
    response = as_user("inspektorat").get(f"/audit/instans/{iid}/berkas.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.get_data()
    assert body.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    path = tmp_path / "berkas.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("Berkas perkara", "Rendi Saputra", EMPLOYEE, "Terlaksananya pencatatan akta kelahiran",
                     "Versi definisi yang digunakan", "Seluruh peristiwa", "Tugas diselesaikan",
                     "Dicetak", "oleh inspektorat", "Halaman 1 /", "utuh"):
        assert expected in text, expected
    pages = int(subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
                .stdout.split("Pages:")[1].split()[0])
    assert pages >= 2


def test_a_calibration_has_a_trail_and_a_dossier_but_no_appraisal_page(app: Flask, as_user) -> None:
    from sqlalchemy import select

    from engine.models import Instance
    with app.app_context():
        iid = db.session.execute(select(Instance.id).where(Instance.process_id == "kalibrasi_unit")
                                 .order_by(Instance.id).limit(1)).scalar_one()
    auditor = as_user("admin")
    page = auditor.get(f"/audit/instans/{iid}").get_data(as_text=True)
    assert "Jejak audit: Kalibrasi" in page and "/penilaian/" not in page.split("<main")[1]
    assert "Rantai instans (apa yang terjadi): utuh" in page
    response = auditor.get(f"/audit/instans/{iid}/berkas.pdf")
    assert response.status_code == 200 and response.get_data().startswith(b"%PDF")
