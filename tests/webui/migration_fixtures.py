"""Fixtures of the migration and incident pages: a second version of the SKP planning process, an incident."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from engine.definitions import specs
from engine.models import Instance, SpecVersion
from engine.runtime.lifecycle import instances
from tests.conftest import read_fixture

ROOT = Path(__file__).resolve().parents[2]
PLAN = (ROOT / "bpmn" / "perencanaan_skp.bpmn").read_bytes()
BATAS = (b'<bpmn:timerEventDefinition id="TimerEventDefinition_batas_susun">\n'
         b'        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">${batas_skp}</bpmn:timeDate>')
#: The deadline timer of drafting the SKP, moved to a fixed date in version 2.
NEW_DEADLINE = b"2027-02-15T00:00:00+08:00"


def deploy_plan_v2(app: Flask) -> int:
    """Deploy bpmn/ with the SKP planning's deadline timer changed; return the cycle's new version number.

    The cycle holds the planning process it calls, so the change makes a new version of both.
    """
    from engine.definitions.validation import read_paths
    from webui.extensions import db
    assert BATAS in PLAN
    files = read_paths([str(ROOT / "bpmn")])
    files["perencanaan_skp.bpmn"] = PLAN.replace(BATAS, BATAS.replace(b"${batas_skp}", NEW_DEADLINE))
    with app.app_context():
        results = specs.deploy(db.session, files, "admin", strict=True)
        db.session.commit()
        created = {r.spec_version.process_id: r.spec_version.version for r in results if r.created}
        assert created.get("perencanaan_skp") == 2, created
        return created["siklus_kinerja"]


def plan_instances(app: Flask, version: int) -> list[int]:
    """Return the ids of the unfinished cycle instances on a version."""
    from webui.extensions import db
    with app.app_context():
        return list(db.session.execute(
            select(Instance.id).join(SpecVersion, SpecVersion.id == Instance.spec_version_id)
            .where(SpecVersion.process_id == "siklus_kinerja", SpecVersion.version == version,
                   Instance.status.not_in(("completed", "terminated"))).order_by(Instance.id)).scalars())


def grant(app: Flask, username: str, role: str) -> None:
    """Give an account a role."""
    from webui.extensions import db
    from workflows.models.org import UserAccount
    with app.app_context():
        account = db.session.execute(select(UserAccount).where(UserAccount.username == username)).scalar_one()
        account.roles = [*account.roles, role]
        db.session.commit()


def incident(app: Flask, key: str = "insiden-1") -> int:
    """Start the `errors` test process so that its script divides by zero: an instance in error."""
    from webui.extensions import db
    with app.app_context():
        specs.deploy(db.session, read_fixture("processes/errors.bpmn"), "admin")
        instance = instances.start(db.session, specs.require_latest(db.session, "errors"),
                                   {"amount": 1, "divisor": 0}, key, "admin")
        db.session.commit()
        assert instance.status == "error"
        return instance.id


def fix_errors_process(app: Flask) -> None:
    """Deploy a second version of the `errors` process whose script no longer divides."""
    from webui.extensions import db
    with app.app_context():
        files = read_fixture("processes/errors.bpmn")
        files["errors.bpmn"] = files["errors.bpmn"].replace(b"ratio = total / divisor", b"ratio = 0")
        specs.deploy(db.session, files, "admin")
        db.session.commit()


def audit_data(app: Flask, instance_id: int, event_type: str) -> list[dict[str, Any]]:
    """Return the data of an instance's audit events of one type."""
    import json

    from engine.models import AuditEvent
    from webui.extensions import db
    with app.app_context():
        rows = db.session.execute(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                           AuditEvent.event_type == event_type)).scalars()
        return [json.loads(e.data) for e in rows]
