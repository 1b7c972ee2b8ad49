"""Instances through the API: the appraisal page's role rules, privacy of the events, and the looks recorded."""

from __future__ import annotations

from flask import Flask

from tests.webui.api_fixtures import api_for
from tests.webui.appraisal_fixtures import AGUS, IRFAN, KADIS, MAYA, RINA, event_count, instance_of, views_of
from webui.extensions import db

PEOPLE = {MAYA: "pegawai", AGUS: "pejabat_penilai", RINA: "atasan_pejabat_penilai",
          "pengelola.disdukcapil": "pengelola_kinerja", "bkpsdm": "pengelola_kinerja",
          "inspektorat": "inspektorat", "admin": "admin"}


def calibration_id(app: Flask) -> int:
    from engine.runtime.lifecycle import instances
    with app.app_context():
        found = instances.find(db.session, "kalibrasi_unit", "kalibrasi:2027:DISDUKCAPIL")
        assert found is not None
        return found.id


def test_the_people_of_an_appraisal_read_it_in_their_role_and_only_overseers_see_variables(app: Flask) -> None:
    iid = instance_of(app, MAYA)
    for username, role in PEOPLE.items():
        response = api_for(app, username).get(f"/api/v1/instances/{iid}")
        assert response.status_code == 200, username
        body = response.get_json()
        assert body["role"] == role and body["process_id"] == "siklus_kinerja" and body["id"] == iid
        assert ("variables" in body) == (role in ("inspektorat", "admin")), username
    employee_view = api_for(app, MAYA).get(f"/api/v1/instances/{iid}").get_json()
    assert all("assignee" not in task and "candidate_users" not in task for task in employee_view["tasks"])


def test_anyone_else_gets_404_and_leaves_no_trace(app: Flask) -> None:
    iid, other = instance_of(app, MAYA), instance_of(app, IRFAN)
    clients = {u: api_for(app, u) for u in (IRFAN, KADIS, "pengelola.pupr", "tim.penilai", "walikota")}
    before, looks = event_count(app, iid), views_of(app, iid)
    for username, api in clients.items():
        for path in (f"/api/v1/instances/{iid}", f"/api/v1/instances/{iid}/events"):
            response = api.get(path)
            assert response.status_code == 404, (username, path)
            assert "Maya" not in response.get_data(as_text=True)
    assert event_count(app, iid) == before and views_of(app, iid) == looks
    maya = api_for(app, MAYA)
    for path in (f"/api/v1/instances/{other}", "/api/v1/instances/999999", f"/api/v1/instances/{other}/events"):
        assert maya.get(path).status_code == 404, path


def test_an_instance_that_is_no_appraisal_is_for_auditors_and_admins_only(app: Flask) -> None:
    cid = calibration_id(app)
    for username in ("inspektorat", "admin"):
        body = api_for(app, username).get(f"/api/v1/instances/{cid}").get_json()
        assert body["process_id"] == "kalibrasi_unit" and body["role"] == username
        assert api_for(app, username).get(f"/api/v1/instances/{cid}/events").get_json()["items"]
    for username in ("bkpsdm", "pengelola.disdukcapil", MAYA):
        assert api_for(app, username).get(f"/api/v1/instances/{cid}").status_code == 404, username


def test_events_follow_the_privacy_rules_and_every_look_but_the_employees_is_recorded(app: Flask) -> None:
    iid = instance_of(app, MAYA)
    maya, agus, auditor = api_for(app, MAYA), api_for(app, AGUS), api_for(app, "inspektorat")
    assert maya.get(f"/api/v1/instances/{iid}").status_code == 200
    assert views_of(app, iid) == []  # the employee's own looks are not recorded
    assert agus.get(f"/api/v1/instances/{iid}").status_code == 200
    events = auditor.get(f"/api/v1/instances/{iid}/events").get_json()["items"]
    assert [(actor, data["dilihat"]) for actor, data in views_of(app, iid)] == [(AGUS, "api"),
                                                                               ("inspektorat", "api_riwayat")]
    assert events[0]["occurred_at"] <= events[-1]["occurred_at"]
    assert "record_viewed" in {e["event_type"] for e in events}  # the auditor sees who looked
    # The employee sees the looks at their records; the appraiser does not.
    assert "record_viewed" in {e["event_type"] for e in maya.get(f"/api/v1/instances/{iid}/events")
                               .get_json()["items"]}
    assert "record_viewed" not in {e["event_type"] for e in agus.get(f"/api/v1/instances/{iid}/events")
                                   .get_json()["items"]}
