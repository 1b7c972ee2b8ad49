"""Helpers of the definition-page tests: the deployed XML of a process and the owner's accounts."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

#: The demo's process owners; anyone else is refused.
OWNER = "bkpsdm"
ADMIN = "admin"
#: An employee (Reza) and staff without the owner role.
EMPLOYEE = "199512202020121005"
NOT_OWNERS = ("inspektorat", "pengelola.disdukcapil", EMPLOYEE)


def latest(app: Flask, process_id: str) -> Any:
    """Return (id, version, main_file, files) of a process's newest version."""
    from engine.definitions.specs import latest_version
    from webui.extensions import db
    with app.app_context():
        version = latest_version(db.session, process_id)
        assert version is not None
        return version.id, version.version, version.main_file, dict(version.files)


def counts(app: Flask) -> tuple[int, int]:
    """Return (spec versions, spec_deployed events) stored."""
    from engine.models import AuditEvent, SpecVersion
    from webui.extensions import db
    with app.app_context():
        versions = db.session.execute(select(func.count()).select_from(SpecVersion)).scalar_one()
        events = db.session.execute(select(func.count()).select_from(AuditEvent)
                                    .where(AuditEvent.event_type == "spec_deployed")).scalar_one()
        return int(versions), int(events)


def running_of(app: Flask, spec_version_id: int) -> int:
    """Return how many instances of a version are not finished, counted here independently of the page."""
    from engine.models import Instance
    from webui.extensions import db
    with app.app_context():
        return int(db.session.execute(select(func.count()).select_from(Instance).where(
            Instance.spec_version_id == spec_version_id,
            Instance.status.in_(("running", "waiting", "error", "suspended")))).scalar_one())
