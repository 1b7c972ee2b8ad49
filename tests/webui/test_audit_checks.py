"""The whole-database check from the auditors' page: it runs in the background, shows progress and breaches."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update

from engine import audit
from engine.clock import clock
from engine.models import AuditCheck, AuditEvent, SpecVersion
from tests.webui.appraisal_fixtures import MAYA, instance_of
from webui.audit import checks
from webui.extensions import db


def _start(app: Flask, client) -> int:
    response = client.post("/audit/verifikasi", data={"csrf_token": client.csrf()})
    assert response.status_code == 303
    check_id = int(response.headers["Location"].split("cek=")[1])
    thread = checks.thread_of(app, check_id)
    assert thread is not None
    thread.join(timeout=60)
    return check_id


def test_a_check_of_an_intact_database_finds_nothing(app: Flask, as_user) -> None:
    auditor = as_user("inspektorat")
    check_id = _start(app, auditor)
    status = auditor.get(f"/audit/verifikasi/{check_id}.json").get_json()
    assert status["status"] == "done" and status["breaches"] == [] and status["percent"] == 100
    assert status["chains_done"] == status["chains_total"] > 70  # every appraisal's chain at least
    page = auditor.get(f"/audit/verifikasi?cek={check_id}").get_data(as_text=True)
    assert f"Selesai: seluruh {status['chains_total']} rantai utuh." in page and "audit_checks.js" in page


def test_an_edited_audit_row_is_reported_as_a_breach(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    with app.app_context():
        target = audit.events_of(db.session, iid)[1].id
        db.session.execute(update(AuditEvent).where(AuditEvent.id == target).values(data='{"nip":"lain"}'))
        db.session.commit()
    auditor = as_user("admin")
    check_id = _start(app, auditor)
    status = auditor.get(f"/audit/verifikasi/{check_id}.json").get_json()
    assert [(b["chain"], b["event_id"], b["seq"]) for b in status["breaches"]] == [(f"instance:{iid}", target, 2)]
    page = auditor.get(f"/audit/verifikasi?cek={check_id}").get_data(as_text=True)
    assert "Selesai: 1 rantai rusak ditemukan." in page and f"instance:{iid}" in page
    assert f'href="/audit/instans/{iid}"' in page and "content does not match its hash" in page
    with app.app_context():
        stored = db.session.get(AuditCheck, check_id)
        assert (stored.started_by, stored.status) == ("admin", "done") and stored.finished_at is not None


def test_an_edited_definition_is_reported_without_a_link_to_a_trail(app: Flask, as_user) -> None:
    with app.app_context():
        version_id, files = db.session.execute(select(SpecVersion.id, SpecVersion.files)
                                               .order_by(SpecVersion.id)).first()
        name = next(iter(files))
        db.session.execute(update(SpecVersion).where(SpecVersion.id == version_id).values(
            files={**files, name: files[name] + "<!-- -->"}))
        db.session.commit()
    auditor = as_user("inspektorat")
    check_id = _start(app, auditor)
    status = auditor.get(f"/audit/verifikasi/{check_id}.json").get_json()
    assert [b["chain"] for b in status["breaches"]] == [f"spec_version:{version_id}"]
    page = auditor.get(f"/audit/verifikasi?cek={check_id}").get_data(as_text=True)
    assert "stored BPMN/DMN XML (files) was edited" in page and f'href="/audit/instans/{version_id}"' not in page


def test_a_second_check_is_refused_while_one_runs(app: Flask, as_user) -> None:
    with app.app_context():
        db.session.add(AuditCheck(started_by="inspektorat", started_at=clock.now() - timedelta(minutes=5),
                                  status="running", chains_total=10, chains_done=3, breaches=[]))
        db.session.commit()
    auditor = as_user("inspektorat")
    response = auditor.post("/audit/verifikasi", data={"csrf_token": auditor.csrf()}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Pemeriksaan sedang berjalan" in page and "Berjalan: 3 dari 10 rantai telah diperiksa." in page
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(AuditCheck)).scalar_one() == 1


def test_starting_a_check_needs_the_form_token(as_user) -> None:
    auditor = as_user("inspektorat")
    assert auditor.post("/audit/verifikasi", data={}).status_code == 400
    assert auditor.get("/audit/verifikasi/12345.json").status_code == 404
