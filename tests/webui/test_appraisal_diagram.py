"""The diagram endpoint: the process XML and its elements' states, following the appraisal as it moves."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from engine.models import HumanTask
from engine.runtime.human_tasks import tasks
from tests.webui.appraisal_fixtures import AGUS, MAYA, instance_of
from webui.extensions import db


def test_at_the_start_the_planning_stage_is_active_and_its_drafting_task_open(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    browser = as_user(MAYA)
    main = browser.get(f"/penilaian/{iid}/diagram").get_json()
    assert main["process_id"] == main["main"] == "siklus_kinerja"
    assert main["xml"].lstrip().startswith("<?xml") and 'id="Activity_perencanaan"' in main["xml"]
    assert main["states"]["Task_pengaturan_siklus"] == "completed"
    assert main["states"]["Activity_perencanaan"] == "active"
    assert "Activity_penilaian" not in main["states"]  # not reached: not marked
    stages = {p["id"]: p["reached"] for p in main["processes"]}
    assert main["processes"][0]["id"] == "siklus_kinerja"
    assert stages["perencanaan_skp"] is True and stages["penilaian_kinerja"] is False
    planning = browser.get(f"/penilaian/{iid}/diagram?proses=perencanaan_skp").get_json()
    assert planning["process_id"] == "perencanaan_skp" and planning["name"] == "Perencanaan SKP"
    assert planning["states"]["Task_susun_skp"] == "active"
    assert planning["states"]["Event_batas_susun"] == "waiting"  # the deadline timer
    assert "Task_tinjau_skp" not in planning["states"]
    # embedded sub-processes are drawn inside their process (drill-down), not listed as diagrams of their own
    assert not [p for p in main["processes"] if p["id"].startswith("SubProcess_")]


def test_after_the_employee_submits_the_draft_it_is_completed_and_the_review_active(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    with app.app_context():
        task = db.session.execute(select(HumanTask).where(
            HumanTask.instance_id == iid, HumanTask.bpmn_id == "Task_susun_skp",
            HumanTask.state == "open")).scalar_one()
        plan = {"rhk": [{"uraian": "Akta kelahiran terbit", "target": 100}]}
        tasks.complete(db.session, task.id, MAYA, {"skp": plan})
        db.session.commit()
    planning = as_user(AGUS).get(f"/penilaian/{iid}/diagram?proses=perencanaan_skp").get_json()
    assert planning["states"]["Task_susun_skp"] == "completed"
    assert planning["states"]["Task_tinjau_skp"] == "active"
    page = as_user(AGUS).get(f"/penilaian/{iid}").get_data(as_text=True)
    assert "Akta kelahiran terbit" in page  # the SKP section shows the submitted RHK


def test_the_page_loads_the_viewer_from_the_app_without_inline_script(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    browser = as_user(MAYA)
    page = browser.get(f"/penilaian/{iid}").get_data(as_text=True)
    assert "/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in page
    assert f'data-state-url="/penilaian/{iid}/diagram"' in page
    assert "<script>" not in page and " onclick=" not in page
    for path in ("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js", "/vendor/bpmn-js/assets/bpmn-js.css",
                 "/static/js/diagram.js", "/static/css/diagram.css"):
        assert browser.get(path).status_code == 200, path
