"""Fixtures of the task-page tests: the Camunda Modeler example `izin_pelatihan` deployed on the demo city."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.definitions import specs
from engine.models import AuditEvent, HumanTask, Instance, TaskDraft
from engine.runtime.lifecycle import instances

EXAMPLES = Path(__file__).resolve().parents[2] / "bpmn" / "examples"
#: The employee asking for training, a colleague sharing the request task, the appraiser, a stranger.
PEGAWAI = "199406032022032006"  # Siti Rahmawati, S.AP.
REKAN = "199302102019031008"  # Fajar Ramadhan, S.IP.
PENILAI = "197803152003121003"  # Rahmat Hidayat, S.Sos.
STRANGER = "198611042010012007"  # Dewi Kartika, A.Md.


@dataclass
class Training:
    """A started izin_pelatihan instance and helpers to read its tasks as stored."""

    app: Flask
    instance_id: int

    def tasks(self, state: str | None = "open") -> list[HumanTask]:
        """Return the instance's task rows (of a state), oldest first, detached from any session."""
        from webui.extensions import db
        with self.app.app_context():
            query = select(HumanTask).where(HumanTask.instance_id == self.instance_id)
            if state:
                query = query.where(HumanTask.state == state)
            rows = list(db.session.execute(query.order_by(HumanTask.id)).scalars())
            db.session.expunge_all()
            return rows

    def snapshot(self) -> tuple[Any, ...]:
        """Return what a refused request must leave untouched: the instance state, tasks, drafts, audit."""
        from webui.extensions import db
        with self.app.app_context():
            instance = db.session.get(Instance, self.instance_id)
            assert instance is not None
            rows = db.session.execute(select(HumanTask.id, HumanTask.state, HumanTask.claimed_by).where(
                HumanTask.instance_id == self.instance_id).order_by(HumanTask.id)).all()
            drafts = db.session.execute(select(TaskDraft.human_task_id, TaskDraft.username, TaskDraft.data)
                                        .order_by(TaskDraft.id)).all()
            events = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
            return instance.version, instance.state, [tuple(r) for r in rows], \
                [(t, u, json.dumps(d, sort_keys=True)) for t, u, d in drafts], events

    def events(self, event_type: str) -> list[dict[str, Any]]:
        """Return the data of the instance's audit events of a type."""
        from webui.extensions import db
        with self.app.app_context():
            rows = db.session.execute(select(AuditEvent.data).where(
                AuditEvent.instance_id == self.instance_id, AuditEvent.event_type == event_type)
                .order_by(AuditEvent.seq)).scalars()
            return [json.loads(r) for r in rows]


@pytest.fixture
def training(app: Flask) -> Callable[..., Training]:
    """Return a factory: deploy the example (once) and start an instance for the employee(s) given."""
    def start(pegawai: str = PEGAWAI, penilai: str = PENILAI, batas: str = "2027-01-20",
              key: str = "izin-1") -> Training:
        from webui.extensions import db
        with app.app_context():
            files = {p.name: p.read_bytes() for p in EXAMPLES.iterdir() if p.suffix in (".bpmn", ".dmn")}
            specs.deploy(db.session, files, "admin")
            version = specs.require_latest(db.session, "izin_pelatihan")
            instance = instances.start(db.session, version, {"pegawai": pegawai, "penilai": penilai,
                                                              "batas_tinjau": batas}, key, pegawai)
            db.session.commit()
            return Training(app, instance.id)
    return start
