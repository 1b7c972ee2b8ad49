"""Read the external-task queue: open tasks with their instance, filtered as Camunda's external task query is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from engine.clock import clock
from engine.models import ExternalTask, Instance, SpecVersion


@dataclass(frozen=True)
class Filter:
    """What to list; None means any. `locked` True: a lock that has not expired; False: free to fetch."""

    external_task_id: int | None = None
    topic: str | None = None
    worker_id: str | None = None
    locked: bool | None = None
    #: True: retries unset or above 0; False: retries at 0 (an incident).
    retries_left: bool | None = None
    instance_id: int | None = None
    bpmn_id: str | None = None
    priority_at_least: int | None = None
    priority_at_most: int | None = None


@dataclass(frozen=True)
class Listed:
    """An open external task with what a listing shows of its instance."""

    task: ExternalTask
    instance: Instance
    spec_version: SpecVersion


#: Aliased: Instance's own spec_sha256 subquery reads spec_version, which must not be correlated to this join.
_VERSION = aliased(SpecVersion)


def _query(wanted: Filter, now: datetime) -> Select[ExternalTask, Instance, SpecVersion]:
    query = (select(ExternalTask, Instance, _VERSION)
             .join(Instance, Instance.id == ExternalTask.instance_id)
             .join(_VERSION, _VERSION.id == Instance.spec_version_id)
             .where(ExternalTask.state == "open"))
    if wanted.external_task_id is not None:
        query = query.where(ExternalTask.id == wanted.external_task_id)
    if wanted.topic is not None:
        query = query.where(ExternalTask.topic == wanted.topic)
    if wanted.worker_id is not None:
        query = query.where(ExternalTask.worker_id == wanted.worker_id)
    if wanted.locked is True:
        query = query.where(ExternalTask.lock_expires_at > now, ExternalTask.worker_id.is_not(None))
    elif wanted.locked is False:
        query = query.where(or_(ExternalTask.lock_expires_at.is_(None), ExternalTask.lock_expires_at <= now,
                                ExternalTask.worker_id.is_(None)))
    if wanted.retries_left is True:
        query = query.where(or_(ExternalTask.retries.is_(None), ExternalTask.retries > 0))
    elif wanted.retries_left is False:
        query = query.where(ExternalTask.retries == 0)
    if wanted.instance_id is not None:
        query = query.where(ExternalTask.instance_id == wanted.instance_id)
    if wanted.bpmn_id is not None:
        query = query.where(ExternalTask.bpmn_id == wanted.bpmn_id)
    if wanted.priority_at_least is not None:
        query = query.where(ExternalTask.priority >= wanted.priority_at_least)
    if wanted.priority_at_most is not None:
        query = query.where(ExternalTask.priority <= wanted.priority_at_most)
    return query


def open_tasks(session: Session, wanted: Filter = Filter(), limit: int | None = None,
               offset: int = 0) -> list[Listed]:
    """Return the open external tasks that match, highest priority first, then oldest."""
    query = (_query(wanted, clock.now())
             .order_by(ExternalTask.priority.desc(), ExternalTask.created_at, ExternalTask.id)
             .offset(offset).limit(limit))
    return [Listed(row[0], row[1], row[2]) for row in session.execute(query)]


def count_open(session: Session, wanted: Filter = Filter()) -> int:
    """Count the open external tasks that match."""
    inner = _query(wanted, clock.now()).with_only_columns(ExternalTask.id).subquery()
    return int(session.execute(select(func.count()).select_from(inner)).scalar_one())


def listed(session: Session, external_task_id: int) -> Listed | None:
    """Return one open external task with its instance, or None if it is not open (or does not exist)."""
    found = open_tasks(session, Filter(external_task_id=external_task_id))
    return found[0] if found else None
