"""Where the year gets stuck: stage times from tasks completed at known clock times, the oldest open tasks."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from engine.clock import clock
from engine.models import HumanTask
from engine.runtime.human_tasks import tasks
from tests.demo_city import T0
from tests.webui.appraisal_fixtures import AGUS, MAYA, instance_of
from tests.webui.plan_fixtures import EMPLOYEE as RENDI
from tests.webui.plan_fixtures import open_task
from webui.extensions import db
from workflows.oversight import stage_times
from workflows.oversight.stage_times import percentile

PLAN = {"skp": {"rhk": [{"uraian": "Terlaksananya pencatatan akta kelahiran", "iki": [
    {"uraian": "Akta kelahiran terbit", "target": "1200", "satuan": "akta"}]}]}}


def plan_in_days(app: Flask, nip: str, days: tuple[int, int, int]) -> None:
    """Draft, review and sign the employee's SKP, each step on the given day after T0."""
    steps = [("Task_susun_skp", nip, PLAN), ("Task_tinjau_skp", AGUS, {"keputusan_skp": "setuju"}),
             ("Task_tandatangani_skp", nip, {"setuju_pegawai_skp": True})]
    with app.app_context():
        for (bpmn_id, actor, data), day in zip(steps, days, strict=True):
            clock.set(T0 + timedelta(days=day))
            tasks.complete(db.session, open_task(app, bpmn_id, actor).id, actor, data)
            db.session.commit()


def created(app: Flask, nip: str) -> float:
    """Return the days after T0 the employee's planning began (its first task)."""
    with app.app_context():
        first = db.session.execute(select(HumanTask.created_at).where(
            HumanTask.instance_id == instance_of(app, nip), HumanTask.bpmn_id == "Task_susun_skp")).scalar_one()
    return (first - T0).total_seconds() / 86400


def test_percentile_is_the_nearest_rank() -> None:
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9) == 9.0
    assert percentile([4.0, 1.0], 0.9) == 4.0


def test_planning_took_the_median_and_90th_percentile_of_its_finished_cycles(app: Flask, as_user) -> None:
    plan_in_days(app, MAYA, (1, 3, 6))
    plan_in_days(app, RENDI, (2, 8, 10))
    maya, rendi = 6 - created(app, MAYA), 10 - created(app, RENDI)
    with app.app_context():
        times = stage_times.stage_times(db.session, 2027)
    [planning] = [t for t in times if t.opd_code == "DISDUKCAPIL" and t.stage == "perencanaan"]
    assert planning.count == 2  # the cycles still planning are not finished: not counted
    assert planning.median_days == round((maya + rendi) / 2, 1)
    assert planning.p90_days == round(rendi, 1)
    assert [t for t in times if t.opd_code != "DISDUKCAPIL"] == []
    text = as_user("pengelola.disdukcapil").get("/dasbor/hambatan?tahun=2027").get_data(as_text=True)
    assert f">{planning.median_days}<" in text and f">{planning.p90_days}<" in text
    sheet = load_workbook(BytesIO(as_user("bkpsdm").get("/dasbor/ekspor/hambatan-2027.xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows == [("DISDUKCAPIL", planning.opd_name, "Perencanaan", 2, planning.median_days, planning.p90_days)]


def test_the_oldest_open_tasks_name_who_holds_them(app: Flask, as_user) -> None:
    plan_in_days(app, MAYA, (1, 3, 6))
    clock.set(T0 + timedelta(days=20))
    with app.app_context():
        oldest = stage_times.slowest_open(db.session, 2027, "DISDUKCAPIL", limit=200)
    assert oldest and all(t.opd_code == "DISDUKCAPIL" for t in oldest)
    assert MAYA not in {t.nip for t in oldest}  # her planning is done
    drafting = next(t for t in oldest if t.nip == RENDI)
    assert drafting.title and drafting.holder.startswith("Rendi Saputra")  # his name, not his NIP
    assert drafting.age_days >= 19
    scoped = as_user("pengelola.bkpsdm").get("/dasbor/hambatan?tahun=2027").get_data(as_text=True)
    assert "Rendi Saputra" not in scoped
