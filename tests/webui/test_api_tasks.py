"""Tasks through the API: my list, one task with its form, claim, complete (field errors, 403/404/409), release.

The task is the Camunda Modeler example `izin_pelatihan` on the demo city (tests/webui/tasks_fixtures.py):
*Ajukan pelatihan* is offered to the employee (a candidate user), *Tinjau pengajuan* then goes to the appraiser.
"""

from __future__ import annotations

from flask import Flask

from tests.webui.api_fixtures import api_for

from .tasks_fixtures import PEGAWAI, PENILAI, REKAN, STRANGER
from .tasks_fixtures import training as training  # the fixture, requested by name

VALID = {"nama_pelatihan": "Pelatihan Analis Kebijakan", "jam_pelajaran": 40, "jenis": "manajerial",
         "tanggal_mulai": "2027-02-10"}


def test_my_tasks_list_the_offered_task_and_not_anyone_elses(app: Flask, training) -> None:
    [ajukan] = training().tasks()
    mine = api_for(app, PEGAWAI).get("/api/v1/tasks?limit=500").get_json()
    found = [t for t in mine["items"] if t["id"] == ajukan.id]
    assert found and found[0]["relation"] == "candidate" and found[0]["name"] == "Ajukan pelatihan"
    assert "form" not in found[0] and mine["limit"] == 200
    stranger = api_for(app, STRANGER).get("/api/v1/tasks?limit=200").get_json()
    assert ajukan.id not in [t["id"] for t in stranger["items"]]
    paged = api_for(app, PEGAWAI).get("/api/v1/tasks?limit=1&offset=0").get_json()
    assert len(paged["items"]) <= 1 and paged["total"] == mine["total"]


def test_a_task_reads_with_its_form_and_is_404_to_anyone_else(app: Flask, training) -> None:
    [ajukan] = training().tasks()
    task = api_for(app, PEGAWAI).get(f"/api/v1/tasks/{ajukan.id}").get_json()
    fields = {f["id"]: f for f in task["form"]["fields"]}
    assert task["relation"] == "candidate" and {"nama_pelatihan", "jam_pelajaran", "jenis"} <= set(fields)
    assert str(fields["jam_pelajaran"]["value"]) == "20"  # the default the form starts with
    for other in (STRANGER, PENILAI):
        refused = api_for(app, other).get(f"/api/v1/tasks/{ajukan.id}")
        assert refused.status_code == 404 and refused.get_json()["code"] == "not_found"
        assert "nama_pelatihan" not in refused.get_data(as_text=True)
    assert api_for(app, PEGAWAI).get("/api/v1/tasks/999999").status_code == 404


def test_completing_before_claiming_is_forbidden_and_changes_nothing(app: Flask, training) -> None:
    started = training()
    [ajukan] = started.tasks()
    api = api_for(app, PEGAWAI)
    before = started.snapshot()
    refused = api.post(f"/api/v1/tasks/{ajukan.id}/complete", json=VALID)
    assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    assert "claim it first" in refused.get_json()["message"]
    assert started.snapshot() == before


def test_field_errors_answer_400_with_each_path_and_store_nothing(app: Flask, training) -> None:
    started = training()
    [ajukan] = started.tasks()
    api = api_for(app, PEGAWAI)
    assert api.post(f"/api/v1/tasks/{ajukan.id}/claim").status_code == 200
    before = started.snapshot()
    refused = api.post(f"/api/v1/tasks/{ajukan.id}/complete",
                       json={**VALID, "nama_pelatihan": "abc", "jam_pelajaran": 500})
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["code"] == "form_invalid"
    assert {(e["path"], e["code"]) for e in body["errors"]} >= {("nama_pelatihan", "too_short"),
                                                               ("jam_pelajaran", "above_maximum")}
    assert started.snapshot() == before
    not_json = api.post(f"/api/v1/tasks/{ajukan.id}/complete", data="nama=x",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert not_json.status_code == 400 and not_json.get_json()["code"] == "bad_request"
    assert api.post(f"/api/v1/tasks/{ajukan.id}/complete", json=[1, 2]).status_code == 400
    assert started.snapshot() == before


def test_a_claimed_task_completes_once_and_a_repeat_is_409(app: Flask, training) -> None:
    started = training()
    [ajukan] = started.tasks()
    api = api_for(app, PEGAWAI)
    claimed = api.post(f"/api/v1/tasks/{ajukan.id}/claim")
    assert claimed.get_json()["claimed_by"] == PEGAWAI and claimed.get_json()["relation"] == "claimed"
    done = api.post(f"/api/v1/tasks/{ajukan.id}/complete", json=VALID)
    assert done.status_code == 200 and done.get_json()["state"] == "completed", done.get_json()
    assert "Set-Cookie" not in done.headers
    [tinjau] = started.tasks()
    assert tinjau.name == "Tinjau pengajuan"
    [event] = started.events("task_completed")
    assert event["submitted"]["nama_pelatihan"] == VALID["nama_pelatihan"]
    before = started.snapshot()
    again = api.post(f"/api/v1/tasks/{ajukan.id}/complete", json=VALID)
    assert again.status_code == 409 and again.get_json()["code"] == "conflict"
    assert started.snapshot() == before
    # The appraiser now sees the next task; the employee still reads what they completed.
    assert api_for(app, PENILAI).get(f"/api/v1/tasks/{tinjau.id}").get_json()["relation"] == "assigned"
    assert api.get(f"/api/v1/tasks/{ajukan.id}").get_json()["relation"] == "completed"


def test_a_colleague_loses_the_race_with_409_and_release_gives_the_task_back(app: Flask, training) -> None:
    started = training(pegawai=f"{PEGAWAI},{REKAN}")
    [ajukan] = started.tasks()
    siti, fajar, stranger = api_for(app, PEGAWAI), api_for(app, REKAN), api_for(app, STRANGER)
    assert siti.post(f"/api/v1/tasks/{ajukan.id}/claim").status_code == 200
    before = started.snapshot()
    for action in ("claim", "complete", "unclaim"):
        lost = fajar.post(f"/api/v1/tasks/{ajukan.id}/{action}", json=VALID)
        assert lost.status_code == 409 and lost.get_json()["state"] == "open", action
    assert fajar.get(f"/api/v1/tasks/{ajukan.id}").status_code == 404  # held by a colleague: not on his list
    assert stranger.post(f"/api/v1/tasks/{ajukan.id}/claim").status_code == 404
    assert started.snapshot() == before
    released = siti.post(f"/api/v1/tasks/{ajukan.id}/unclaim")
    assert released.status_code == 200 and released.get_json()["claimed_by"] is None
    assert siti.post(f"/api/v1/tasks/{ajukan.id}/unclaim").status_code == 409  # not claimed any more
    assert fajar.post(f"/api/v1/tasks/{ajukan.id}/claim").get_json()["claimed_by"] == REKAN
    assert [e["previous"] for e in started.events("task_unclaimed")] == [PEGAWAI]
