"""Upgrading a database of the previous release with appraisals under way: the documented order works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.db import make_engine
from engine.models import HumanTask, Instance
from tests.engine.audit.test_upgrade import _as_before_the_upgrade
from tests.webui.inbox_fixtures import STAFF_NIP, submit_skp

ROOT = Path(__file__).resolve().parents[2]
#: The head of the release before the keyed audit trail (issue #11).
PREVIOUS_RELEASE = "0009_scale"


def _as_the_previous_release(url: str) -> None:
    """Leave the demo city as the previous release had it: an unkeyed trail, the schema at its revision."""
    engine = make_engine(url)
    with Session(engine) as session:
        _as_before_the_upgrade(session)
    engine.dispose()
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.downgrade(cfg, PREVIOUS_RELEASE)


def _cli(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _staff_tasks(app: Flask) -> dict[str, str]:
    """Return {bpmn id: state} of the tasks of the staff member's 2027 cycle."""
    from webui.extensions import db
    with app.app_context():
        rows = db.session.execute(select(HumanTask.bpmn_id, HumanTask.state).join(
            Instance, Instance.id == HumanTask.instance_id).where(Instance.business_key == f"skp:2027:{STAFF_NIP}"))
        return {row.bpmn_id: row.state for row in rows}


def test_an_upgraded_database_runs_its_instances_on(demo_url: str, make_app: Callable[..., Flask]):
    _as_the_previous_release(demo_url)
    app = make_app(demo_url)
    health = app.test_client().get("/health")
    assert health.status_code == 503  # a load balancer drains a process newer than its database
    assert health.get_json()["migrations"]["current"] == [PREVIOUS_RELEASE]

    assert "is at revision head" in _cli(app, "db", "upgrade")
    with pytest.raises(audit.Tampered, match="not sealed"):
        submit_skp(app, STAFF_NIP)  # the release says: seal before the instances run again
    assert "sealed" in _cli(app, "audit", "seal")

    assert app.test_client().get("/health").status_code == 200
    assert _staff_tasks(app)["Task_susun_skp"] == "open"
    submit_skp(app, STAFF_NIP)
    after = _staff_tasks(app)
    assert after["Task_susun_skp"] == "completed"
    assert "open" in {state for bpmn_id, state in after.items() if bpmn_id != "Task_susun_skp"}
    assert "audit trail intact" in _cli(app, "audit", "verify")
