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
