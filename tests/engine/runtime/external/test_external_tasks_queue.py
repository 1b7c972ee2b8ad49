"""The external-task queue as the REST API reads it: filters, several topics, the audited actor, lock rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.clock import clock
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import AuditEvent
from engine.runtime.external import external_queries, external_tasks
from engine.runtime.external.external_queries import Filter

T0 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
LOCK = timedelta(minutes=5)


@pytest.fixture
def external(deploy):
    clock.set(T0)
    deploy("camunda7/tasks_external.bpmn")


def _ids(session, wanted=None):
    found = external_queries.open_tasks(session, wanted or Filter())
    return [(item.instance.id, item.task.bpmn_id) for item in found]


def test_the_queue_is_filtered_as_camundas_external_task_query(external, start, session):
    low = start("tasks_external", {"prioritas": 1}, key="rendah")
    high = start("tasks_external", {"prioritas": 1}, key="tinggi")
    [row] = external_tasks.fetch_and_lock(session, "w1", {"kirim-email": LOCK}, 1)
    session.commit()
    assert row.instance_id == low.id
    assert _ids(session) == [(low.id, "Task_kirim"), (high.id, "Task_kirim")]
    assert _ids(session, Filter(locked=True)) == [(low.id, "Task_kirim")]
    assert _ids(session, Filter(locked=False)) == [(high.id, "Task_kirim")]
    assert _ids(session, Filter(worker_id="w1")) == [(low.id, "Task_kirim")]
    assert _ids(session, Filter(instance_id=high.id)) == [(high.id, "Task_kirim")]
    assert _ids(session, Filter(topic="arsip")) == []
    assert _ids(session, Filter(priority_at_least=10, priority_at_most=10, bpmn_id="Task_kirim")) == _ids(session)
    assert _ids(session, Filter(priority_at_least=11)) == []
    assert external_queries.count_open(session, Filter(retries_left=True)) == 2
    clock.set(T0 + LOCK)  # a lock that ends now has expired
    assert _ids(session, Filter(locked=True)) == []
    listed = external_queries.listed(session, row.id)
    assert listed is not None and listed.spec_version.process_id == "tasks_external"
    assert external_queries.listed(session, 999_999) is None


def test_one_fetch_takes_several_topics_each_with_its_lock(external, start, session):
    first = start("tasks_external", {}, key="satu")
    [kirim] = external_tasks.fetch_and_lock(session, "w1", {"kirim-email": LOCK}, 1)
    external_tasks.complete(session, kirim.id, "w1", {})
    session.commit()
    second = start("tasks_external", {}, key="dua")
    rows = external_tasks.fetch_and_lock(session, "w2", {"arsip": timedelta(minutes=1), "kirim-email": LOCK}, 5)
    session.commit()
    assert sorted((r.instance_id, r.topic, r.lock_expires_at) for r in rows) == [
        (first.id, "arsip", T0 + timedelta(minutes=1)), (second.id, "kirim-email", T0 + LOCK)]


def test_the_audited_actor_is_the_account_and_the_worker_is_named(external, start, session, events):
    instance = start("tasks_external", {})
    [row] = external_tasks.fetch_and_lock(session, "w1", {"kirim-email": LOCK}, 1, actor="svc.siasn")
    external_tasks.extend_lock(session, row.id, "w1", timedelta(minutes=10), actor="svc.siasn")
    external_tasks.complete(session, row.id, "w1", {"ok": True}, actor="svc.siasn")
    session.commit()
    kinds = {kind: data for kind, data in events(instance.id)
             if kind in ("external_task_locked", "external_task_lock_extended", "external_task_completed")}
    assert {kind: data["worker_id"] for kind, data in kinds.items()} == {
        "external_task_locked": "w1", "external_task_lock_extended": "w1", "external_task_completed": "w1"}
    actors = set(session.execute(select(AuditEvent.actor).where(
        AuditEvent.instance_id == instance.id, AuditEvent.event_type.in_(list(kinds)))).scalars())
    assert actors == {"svc.siasn"}


def test_extending_a_lock_needs_the_holder_a_live_lock_and_a_positive_duration(external, start, session):
    start("tasks_external", {})
    [row] = external_tasks.fetch_and_lock(session, "w1", {"kirim-email": LOCK}, 1)
    session.commit()
    with pytest.raises(Forbidden):
        external_tasks.extend_lock(session, row.id, "w2", LOCK)
    session.rollback()
    with pytest.raises(InvalidInput):
        external_tasks.extend_lock(session, row.id, "w1", timedelta(0))
    session.rollback()
    clock.set(T0 + LOCK + timedelta(seconds=1))
    with pytest.raises(Conflict, match="expired"):
        external_tasks.extend_lock(session, row.id, "w1", LOCK)
    session.rollback()


def test_a_worker_whose_lock_expired_may_still_complete_while_nobody_took_the_task(external, start, session):
    instance = start("tasks_external", {})
    [row] = external_tasks.fetch_and_lock(session, "w1", {"kirim-email": LOCK}, 1)
    session.commit()
    clock.set(T0 + LOCK + timedelta(minutes=1))  # as Camunda 7: the most recent lock is still w1's
    external_tasks.complete(session, row.id, "w1", {"terkirim": True})
    session.commit()
    session.refresh(row)
    assert (row.state, row.completed_by) == ("completed", "w1")
    assert [item.task.bpmn_id for item in external_queries.open_tasks(session, Filter(instance_id=instance.id))] == [
        "Task_arsip"]
