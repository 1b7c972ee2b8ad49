"""Helpers of the inbox and notification tests: drive the demo city's tasks without the task pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from engine.models import HumanTask, Instance
from engine.runtime.human_tasks import tasks

#: The Sekretaris Dinas Dukcapil, Plt of the vacant Kabid Capil (workflows/organisation/demo_org.py PLT).
PLT_NIP = "198004122005012002"
#: The Kasi Kelahiran, whose appraiser is the (vacant) Kabid Capil.
KASI_NIP = "198107192006041005"
#: A pelaksana of the Kasi Kelahiran.
STAFF_NIP = "199201252017082002"
PLAN = {"skp": {"rhk": [{"uraian": "Layanan akta kelahiran tepat waktu", "target": 100}]}}


def open_task(app: Flask, nip: str, bpmn_id: str) -> int:
    """Return the id of the open task with this BPMN id in the employee's 2027 cycle."""
    from webui.extensions import db
    with app.app_context():
        return db.session.execute(select(HumanTask.id).join(Instance, Instance.id == HumanTask.instance_id).where(
            Instance.business_key == f"skp:2027:{nip}", HumanTask.bpmn_id == bpmn_id,
            HumanTask.state == "open")).scalar_one()


def submit_skp(app: Flask, nip: str) -> None:
    """Complete the employee's Susun SKP task as they would (the plan goes to the appraiser)."""
    from webui.extensions import db
    task_id = open_task(app, nip, "Task_susun_skp")
    with app.app_context():
        tasks.complete(db.session, task_id, nip, PLAN)
        db.session.commit()


def give_tasks(app: Flask, username: str, count: int, first_due: datetime | None = None,
               **values: Any) -> list[int]:
    """Assign `count` open employee tasks to username (each due a day after the previous); return their ids."""
    from webui.extensions import db
    with app.app_context():
        ids = list(db.session.execute(select(HumanTask.id).where(
            HumanTask.state == "open", HumanTask.process_id == "perencanaan_skp")
            .order_by(HumanTask.id).limit(count)).scalars())
        start = first_due or datetime(2027, 1, 20, tzinfo=UTC)
        for n, task_id in enumerate(ids):
            db.session.execute(update(HumanTask).where(HumanTask.id == task_id).values(
                assignee=username, due_at=start + timedelta(days=n), **values))
        db.session.commit()
    return ids
