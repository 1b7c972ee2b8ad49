"""Helpers of the planning page tests: the demo people they use, open tasks, records, form posts."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from engine.models import HumanTask

#: Rendi Saputra (Pengolah Data, Seksi Kelahiran), his appraiser Agus Salim (Kasi Kelahiran), a colleague.
EMPLOYEE = "199904172024211014"
APPRAISER = "198107192006041005"
COLLEAGUE = "199201252017082002"


def open_task(app: Flask, bpmn_id: str, assignee: str) -> HumanTask:
    """Return the one open task with this BPMN id held by assignee."""
    from webui.extensions import db
    with app.app_context():
        rows = list(db.session.execute(select(HumanTask).where(
            HumanTask.bpmn_id == bpmn_id, HumanTask.assignee == assignee, HumanTask.state == "open")).scalars())
        assert len(rows) == 1, [(r.id, r.bpmn_id) for r in rows]
        db.session.expunge(rows[0])
        return rows[0]


def task_state(app: Flask, task_id: int) -> str:
    """Return the state of a task row as stored now."""
    from webui.extensions import db
    with app.app_context():
        row = db.session.get(HumanTask, task_id)
        assert row is not None
        return row.state


def skp_form(rows: list[dict[str, Any]], **extra: str) -> dict[str, str]:
    """Return posted fields of the SKP editor: rows of {uraian, iki: [{uraian, target, ...}], ...}."""
    data: dict[str, str] = {"skp/pendekatan": "kuantitatif"}
    for i, rhk in enumerate(rows):
        for key, value in rhk.items():
            if key != "iki":
                data[f"skp/rhk/{i}/{key}"] = str(value)
        for j, iki in enumerate(rhk.get("iki", [])):
            for key, value in iki.items():
                data[f"skp/rhk/{i}/iki/{j}/{key}"] = str(value)
    data.update(extra)
    return data


def agree_skp(app: Flask, nip: str, appraiser: str) -> int:
    """Draft, agree and sign the employee's SKP through the engine (one RHK, two IKI); return the instance id."""
    from engine.runtime.human_tasks import tasks
    from webui.extensions import db
    plan = {"skp": {"rhk": [{"uraian": "Terlaksananya pencatatan akta kelahiran", "iki": [
        {"uraian": "Akta kelahiran terbit", "target": "1200", "satuan": "akta"},
        {"uraian": "Persentase akta terbit dalam 1 hari", "target": "95", "satuan": "persen"}]}]}}
    steps = [("Task_susun_skp", nip, plan), ("Task_tinjau_skp", appraiser, {"keputusan_skp": "setuju"}),
             ("Task_tandatangani_skp", nip, {"setuju_pegawai_skp": True})]
    with app.app_context():
        for bpmn_id, actor, data in steps:
            row = open_task(app, bpmn_id, actor)
            tasks.complete(db.session, row.id, actor, data)
            db.session.commit()
        return row.instance_id


def run_timers_until(app: Flask, instance_id: int, bpmn_id: str, limit: int = 10) -> HumanTask:
    """Fire the instance's timers one by one (the clock moves just past each) until a task bpmn_id opens."""
    from datetime import UTC, timedelta

    from engine.clock import clock
    from engine.models import Instance
    from engine.runtime.events import timers
    from webui.extensions import db
    with app.app_context():
        for _ in range(limit):
            found = db.session.execute(select(HumanTask).where(
                HumanTask.instance_id == instance_id, HumanTask.bpmn_id == bpmn_id,
                HumanTask.state == "open")).scalars().first()
            if found is not None:
                db.session.expunge(found)
                return found
            instance = db.session.get(Instance, instance_id)
            assert instance is not None and instance.next_timer_at is not None, "no timer to wait for"
            now = max(clock.now(), instance.next_timer_at.replace(tzinfo=UTC) + timedelta(seconds=1))
            clock.set(now)
            timers.fire_due(db.session, instance_id, now)
            db.session.commit()
            db.session.expire_all()
    raise AssertionError(f"{bpmn_id} did not open")


def start_peer_feedback(app: Flask, nip: str) -> int:
    """Start the peer feedback stage on its own for the employee; return its id.

    The cycle runs it inside the employee's instance at year end; started alone, the stage takes the
    employee's SKP over (its scripts find the SKP by instance), as a whole year's run would leave it.
    """
    from sqlalchemy import update

    from engine.definitions import specs
    from engine.runtime.lifecycle import instances
    from webui.extensions import db
    from workflows.models.skp import Skp
    cycle = open_task(app, "Task_susun_skp", nip).instance_id
    with app.app_context():
        data = dict(instances.variables(instances.load(db.session, cycle)))
        data.update(pakai_umpan_balik_rekan=True, skp=None)
        started = instances.start(db.session, specs.require_latest(db.session, "umpan_balik_rekan"), data,
                                  f"umpan-balik-{nip}", "tester")
        db.session.execute(update(Skp).where(Skp.instance_id == cycle).values(instance_id=started.id))
        db.session.commit()
        return started.id


def complete_task(app: Flask, bpmn_id: str, actor: str, data: dict[str, Any]) -> HumanTask:
    """Complete the actor's open task bpmn_id through the engine (a step the test does not look at)."""
    from engine.runtime.human_tasks import tasks
    from webui.extensions import db
    row = open_task(app, bpmn_id, actor)
    with app.app_context():
        tasks.complete(db.session, row.id, actor, data)
        db.session.commit()
    return row
