"""Definitions through the API: process owners list versions and deploy (JSON or multipart); others 403."""

from __future__ import annotations

import io
import json
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from engine.models import AuditEvent, SpecVersion
from tests.webui.api_fixtures import ApiClient, api_for, issue_token
from webui.extensions import db
from workflows.signin import accounts

EXAMPLES = Path(__file__).resolve().parents[2] / "bpmn" / "examples"
OWNER = "pemilik.proses"


def owner(app: Flask) -> ApiClient:
    """Return an API client of a process owner at BKPSDM (an account the demo does not have)."""
    with app.app_context():
        accounts.create_account(db.session, OWNER, "admin", roles=["pemilik_proses"])
        db.session.commit()
    return ApiClient(app.test_client(), issue_token(app, OWNER))


def example_files() -> dict[str, str]:
    return {p.name: p.read_text() for p in EXAMPLES.iterdir() if p.suffix in (".bpmn", ".dmn")}


def stored(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (db.session.execute(select(func.count()).select_from(SpecVersion)).scalar_one(),
                db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_owners_list_every_process_with_versions_and_running_instances(app: Flask) -> None:
    for api in (owner(app), api_for(app, "admin")):
        items = {p["process_id"]: p for p in api.get("/api/v1/definitions").get_json()["items"]}
        cycle = items["siklus_kinerja"]
        assert cycle["latest_version"] == 1 and cycle["versions"][0]["running_instances"] > 60
        assert len(cycle["versions"][0]["sha256"]) == 64 and cycle["versions"][0]["deployed_by"]


def test_nobody_else_reads_or_deploys_definitions(app: Flask) -> None:
    clients = [api_for(app, u) for u in ("pengelola.disdukcapil", "inspektorat", "199201252017082002")]
    before = stored(app)
    for api in clients:
        assert api.get("/api/v1/definitions").status_code == 403
        refused = api.post("/api/v1/definitions", json={"files": example_files()})
        assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    assert stored(app) == before


def test_a_json_deploy_creates_versions_audited_and_a_repeat_changes_nothing(app: Flask) -> None:
    api = owner(app)
    deployed = api.post("/api/v1/definitions", json={"files": example_files()})
    assert deployed.status_code == 201
    [item] = [i for i in deployed.get_json()["items"] if i["process_id"] == "izin_pelatihan"]
    assert item["created"]
    listed = {p["process_id"]: p for p in api.get("/api/v1/definitions").get_json()["items"]}
    assert listed["izin_pelatihan"]["latest_version"] == item["version"]
    assert listed["izin_pelatihan"]["versions"][0]["deployed_by"] == OWNER
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.event_type == "spec_deployed")
                                   .order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
        assert event.actor == OWNER and json.loads(event.data)["process_id"] == "izin_pelatihan"
    again = api.post("/api/v1/definitions", json={"files": example_files()}).get_json()["items"]
    assert not any(i["created"] for i in again)


def test_a_multipart_upload_deploys_like_camunda_modeler_users_send_files(app: Flask) -> None:
    api = owner(app)
    data = {"files": [(io.BytesIO(text.encode()), name) for name, text in example_files().items()]}
    deployed = api.post("/api/v1/definitions", data=data, content_type="multipart/form-data")
    assert deployed.status_code == 201 and any(i["created"] for i in deployed.get_json()["items"])
    wrong = api.post("/api/v1/definitions", data={"files": [(io.BytesIO(b"x"), "notes.txt")]},
                     content_type="multipart/form-data")
    assert wrong.status_code == 400 and "notes.txt" in wrong.get_json()["message"]


def test_invalid_files_answer_400_with_their_problems_and_deploy_nothing(app: Flask) -> None:
    api = owner(app)
    before = stored(app)
    broken = api.post("/api/v1/definitions", json={"files": {"rusak.bpmn": "<definitions><process"}})
    assert broken.status_code == 400
    body = broken.get_json()
    assert body["code"] == "validation_failed" and body["problems"]
    assert body["problems"][0]["file"] == "rusak.bpmn"
    bad_body = api.post("/api/v1/definitions", json={"files": {"../x.txt": "a"}, "extra": 1})
    assert bad_body.status_code == 400 and bad_body.get_json()["code"] == "form_invalid"
    assert {e["path"] for e in bad_body.get_json()["errors"]} >= {"files", "extra"}
    assert stored(app) == before
