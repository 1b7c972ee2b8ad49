"""Factory fixtures for engine tests: every step goes through the database and commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import specs
from engine.models import AuditEvent, HumanTask, Instance
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import instances


@pytest.fixture
def start(session: Session) -> Callable[..., Instance]:
    """Start the latest version of a deployed process and commit."""
    def _start(process_id: str, data: dict[str, Any] | None = None, key: str = "k1",
               actor: str = "tester") -> Instance:
        instance = instances.start(session, specs.require_latest(session, process_id), data, key, actor)
        session.commit()
        return instance
    return _start


@pytest.fixture
def open_tasks(session: Session) -> Callable[[int], list[HumanTask]]:
    """Return the open human tasks of an instance, by id."""
    def _open(instance_id: int) -> list[HumanTask]:
        session.expire_all()
        return list(session.execute(select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.state == "open").order_by(HumanTask.id)).scalars())
    return _open


@pytest.fixture
def complete(session: Session) -> Callable[..., HumanTask]:
    """Complete a task and commit, as the CLI and the web do (roll back on refusal)."""
    def _complete(task: HumanTask | int, actor: str, data: dict[str, Any] | None = None,
                  groups: tuple[str, ...] = ()) -> HumanTask:
        task_id = task if isinstance(task, int) else task.id
        try:
            row = tasks.complete(session, task_id, actor, data or {}, groups)
            session.commit()
            return row
        except Exception:
            session.rollback()
            raise
    return _complete


@pytest.fixture
def reload(session: Session) -> Callable[[int], Instance]:
    """Return an instance as stored now."""
    def _reload(instance_id: int) -> Instance:
        session.expire_all()
        instance = session.get(Instance, instance_id)
        assert instance is not None
        return instance
    return _reload


@pytest.fixture
def events(session: Session) -> Callable[[int], list[tuple[str, dict[str, Any]]]]:
    """Return (event_type, data) of an instance's audit events in order."""
    import json

    def _events(instance_id: int) -> list[tuple[str, dict[str, Any]]]:
        rows = session.execute(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                               .order_by(AuditEvent.chain, AuditEvent.seq)).scalars()
        return [(e.event_type, json.loads(e.data)) for e in rows]
    return _events


def final_data(events: Callable[[int], list[tuple[str, dict[str, Any]]]], instance_id: int) -> dict[str, Any]:
    """Return the data an instance ended with, as its instance_completed audit event recorded it."""
    [done] = [data for event_type, data in events(instance_id) if event_type == "instance_completed"]
    return done["data"]
