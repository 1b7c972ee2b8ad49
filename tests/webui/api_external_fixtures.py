"""Fixtures of the external-task API tests: a process with external tasks in the demo city and worker tokens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engine.clock import clock
from engine.definitions import specs
from engine.models import AuditEvent, ExternalTask, Instance
from engine.runtime.lifecycle import instances
from tests.conftest import read_fixture
from tests.webui.api_fixtures import ApiClient, issue_token
from webui.extensions import db
from workflows.signin import accounts

#: The service account a SIASN connector would use.
WORKER_ACCOUNT = "svc.siasn"
LOCK_MS = 300_000

@dataclass
class Queue:
    """The app with tasks_external deployed, and helpers to start instances and read what happened."""

    app: Flask

    def start(self, key: str, data: dict[str, Any] | None = None) -> int:
        """Start an instance of tasks_external; return its id."""
        with self.app.app_context():
            version = specs.require_latest(db.session, "tasks_external")
            instance = instances.start(db.session, version, data or {}, key, "tester")
            db.session.commit()
            return instance.id

    def instance(self, instance_id: int) -> Instance:
        """Return an instance as stored now."""
        with self.app.app_context():
            found = db.session.get(Instance, instance_id)
            assert found is not None
            db.session.expunge(found)
            return found

    def rows(self, instance_id: int) -> list[tuple[str, str, str | None]]:
        """Return (bpmn_id, state, worker_id) of an instance's external tasks, oldest first."""
        with self.app.app_context():
            found = db.session.execute(select(ExternalTask).where(ExternalTask.instance_id == instance_id)
                                       .order_by(ExternalTask.id)).scalars()
            return [(row.bpmn_id, row.state, row.worker_id) for row in found]

    def events(self, instance_id: int) -> list[tuple[str, str, dict[str, Any]]]:
        """Return (event_type, actor, data) of an instance's audit trail in order."""
        with self.app.app_context():
            found = db.session.execute(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                       .order_by(AuditEvent.seq)).scalars()
            return [(e.event_type, e.actor, json.loads(e.data)) for e in found]

    def variables(self, instance_id: int) -> dict[str, Any]:
        """Return an instance's process data."""
        with self.app.app_context():
            return dict(instances.variables(instances.load(db.session, instance_id)))

    def worker(self, username: str = WORKER_ACCOUNT) -> ApiClient:
        """Return an API client with a fresh token of an account."""
        return ApiClient(self.app.test_client(), issue_token(self.app, username))

    def move_clock(self, now: datetime) -> None:
        """Set the engine clock."""
        clock.set(now)

@pytest.fixture(name="queue")
def queue_fixture(app: Flask) -> Queue:
    """The demo city with tasks_external deployed and a service account of role external_worker."""
    with app.app_context():
        specs.deploy(db.session, read_fixture("camunda7/tasks_external.bpmn"), "tester")
        accounts.create_account(db.session, WORKER_ACCOUNT, "admin", roles=["external_worker"])
        db.session.commit()
    return Queue(app)

def fetch_body(worker: str, *topics: str, max_tasks: int = 10, **extra: Any) -> dict[str, Any]:
    """Return a fetchAndLock body as a Camunda client sends it."""
    return {"workerId": worker, "maxTasks": max_tasks, "usePriority": True,
            "topics": [{"topicName": topic, "lockDuration": LOCK_MS} for topic in topics], **extra}

def fetch(api: ApiClient, worker: str, *topics: str, **extra: Any) -> list[dict[str, Any]]:
    """Fetch and lock as a worker; assert 200 and return the tasks."""
    response = api.post("/api/v1/external-task/fetchAndLock", json=fetch_body(worker, *topics, **extra))
    assert response.status_code == 200, response.get_json()
    return list(response.get_json())
