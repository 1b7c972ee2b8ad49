"""External tasks: an instance waits at them while workers fetch, lock, complete or fail them by topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.clock import clock
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import ExternalTask, HumanTask
from engine.runtime.external import external_tasks
from engine.runtime.lifecycle import instances

T0 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
LOCK = timedelta(minutes=5)


@pytest.fixture
def external(deploy):
    clock.set(T0)
    deploy("camunda7/tasks_external.bpmn")


def _rows(session, instance_id, state=None):
    session.expire_all()
    query = select(ExternalTask).where(ExternalTask.instance_id == instance_id).order_by(ExternalTask.id)
    if state:
        query = query.where(ExternalTask.state == state)
    return list(session.execute(query).scalars())


def _fetch(session, worker, topic, max_tasks=10):
    rows = external_tasks.fetch_and_lock(session, worker, {topic: LOCK}, max_tasks)
    session.commit()
    return rows


def _complete(session, row, worker, variables=None):
    external_tasks.complete(session, row.id, worker, variables)
    session.commit()


def test_instance_waits_at_an_external_task_until_a_worker_completes_it(external, start, session, reload, events):
    instance = start("tasks_external", {"alamat": "ani@samarinda.go.id", "prioritas": 3})
    assert reload(instance.id).status == "waiting"
    [row] = _rows(session, instance.id)
    assert (row.bpmn_id, row.topic, row.priority, row.state, row.worker_id) == (
        "Task_kirim", "kirim-email", 10, "open", None)
    assert session.execute(select(HumanTask).where(HumanTask.instance_id == instance.id)).first() is None

    assert _fetch(session, "w2", "arsip") == []  # another topic
    [locked] = _fetch(session, "w1", "kirim-email")
    assert locked.id == row.id and locked.lock_expires_at == T0 + LOCK
    assert _fetch(session, "w2", "kirim-email") == []  # locked by w1

    with pytest.raises(Forbidden):
        external_tasks.complete(session, row.id, "w2", {})
    session.rollback()
    _complete(session, row, "w1", {"terkirim": True})

    [done, arsip] = _rows(session, instance.id)
    assert (done.state, done.completed_by) == ("completed", "w1")
    assert (arsip.bpmn_id, arsip.topic, arsip.state) == ("Task_arsip", "arsip", "open")
    assert instances.variables(instances.load(session, instance.id))["terkirim"] is True
    with pytest.raises(Conflict):  # a second completion of the same task
        external_tasks.complete(session, row.id, "w1", {})
    session.rollback()

    [arsip] = _fetch(session, "w1", "arsip")
    _complete(session, arsip, "w1")
    [nilai] = _fetch(session, "w1", "hitung-nilai")
    assert nilai.priority == 3  # camunda:taskPriority="${prioritas}"
    _complete(session, nilai, "w1", {"nilai": 88})
    stored = reload(instance.id)
    assert stored.status == "completed"
    kinds = [kind for kind, _ in events(instance.id)]
    assert kinds.count("external_task_created") == 3
    assert kinds.count("external_task_locked") == 3
    assert kinds.count("external_task_completed") == 3


def test_higher_priority_first_then_oldest(external, start, session):
    low = start("tasks_external", {"prioritas": 1}, key="rendah")
    high = start("tasks_external", {"prioritas": 7}, key="tinggi")
    for topic in ("kirim-email", "arsip"):
        fetched = _fetch(session, "w1", topic)
        assert [row.instance_id for row in fetched] == [low.id, high.id]  # same priority: oldest first
        for row in fetched:
            _complete(session, row, "w1")
    first = _fetch(session, "w1", "hitung-nilai", max_tasks=1)
    assert [row.instance_id for row in first] == [high.id]
    assert [row.instance_id for row in _fetch(session, "w1", "hitung-nilai")] == [low.id]


def test_an_expired_lock_passes_to_another_worker(external, start, session):
    instance = start("tasks_external", {})
    [row] = _fetch(session, "w1", "kirim-email")
    clock.set(T0 + LOCK + timedelta(seconds=1))
    [again] = _fetch(session, "w2", "kirim-email")
    assert (again.id, again.worker_id) == (row.id, "w2")
    with pytest.raises(Forbidden, match="locked by w2"):  # w1's lock expired and w2 took the task
        external_tasks.complete(session, row.id, "w1", {})
    session.rollback()
    external_tasks.extend_lock(session, row.id, "w2", timedelta(hours=1))
    session.commit()
    clock.set(T0 + timedelta(minutes=30))
    _complete(session, again, "w2")
    assert _rows(session, instance.id)[0].state == "completed"


def test_unlock_makes_a_task_fetchable_at_once(external, start, session, events):
    instance = start("tasks_external", {})
    [row] = _fetch(session, "w1", "kirim-email")
    external_tasks.unlock(session, row.id, "operator")
    session.commit()
    assert [r.worker_id for r in _fetch(session, "w2", "kirim-email")] == ["w2"]
    assert "external_task_unlocked" in [kind for kind, _ in events(instance.id)]


def test_failure_with_retries_waits_then_retries_out_make_an_incident(external, start, session, reload, events):
    instance = start("tasks_external", {})
    [row] = _fetch(session, "w1", "kirim-email")
    external_tasks.handle_failure(session, row.id, "w1", "server surat tidak menjawab", "timeout 30 s",
                                  retries=2, retry_timeout=timedelta(minutes=10))
    session.commit()
    assert _fetch(session, "w1", "kirim-email") == []  # not before the retry timeout
    clock.set(T0 + timedelta(minutes=11))
    [row] = _fetch(session, "w1", "kirim-email")
    assert row.retries == 2 and reload(instance.id).status == "waiting"

    external_tasks.handle_failure(session, row.id, "w1", "server surat mati", retries=0)
    session.commit()
    stored = reload(instance.id)
    assert stored.status == "error"
    assert stored.error["message"] == "server surat mati"
    assert stored.error["bpmn_id"] == "Task_kirim"
    clock.set(T0 + timedelta(hours=1))
    assert _fetch(session, "w1", "kirim-email") == []  # an incident is not fetched

    instances.retry(session, instance.id, "operator", data={"alamat": "ani@samarinda.go.id"})
    session.commit()
    assert reload(instance.id).status == "waiting"
    [row] = _fetch(session, "w1", "kirim-email")
    assert row.retries == 1
    assert external_tasks.variables(session, row.id)["alamat"] == "ani@samarinda.go.id"  # the correction
    _complete(session, row, "w1")
    kinds = [kind for kind, _ in events(instance.id)]
    assert kinds.count("external_task_failed") == 2
    assert "external_task_reopened" in kinds and "instance_failed" in kinds


def test_a_bpmn_error_is_caught_by_the_error_boundary_event(external, start, session, reload, events):
    instance = start("tasks_external", {})
    [row] = _fetch(session, "w1", "kirim-email")
    external_tasks.handle_bpmn_error(session, row.id, "w1", "ALAMAT_SALAH", "domain tidak dikenal",
                                     {"alasan": "alamat tidak ada"})
    session.commit()
    stored = reload(instance.id)
    assert stored.status == "completed"
    [closed] = _rows(session, instance.id)
    assert closed.state == "cancelled"
    assert instances.variables(instances.load(session, instance.id))["alasan"] == "alamat tidak ada"
    completed = [d for kind, d in events(instance.id) if kind == "instance_completed"]
    assert completed and "alasan" in completed[0]["data"]
    assert "external_task_bpmn_error" in [kind for kind, _ in events(instance.id)]


def test_a_bpmn_error_nothing_catches_is_refused_and_changes_nothing(external, start, session, reload):
    instance = start("tasks_external", {})
    [row] = _fetch(session, "w1", "kirim-email")
    version = reload(instance.id).version
    with pytest.raises(InvalidInput, match="no error event catches error code 'LAIN'"):
        external_tasks.handle_bpmn_error(session, row.id, "w1", "LAIN")
    session.rollback()
    assert reload(instance.id).version == version
    assert [(r.state, r.worker_id) for r in _rows(session, instance.id)] == [("open", "w1")]


def test_terminating_an_instance_cancels_its_external_tasks(external, start, session):
    instance = start("tasks_external", {})
    instances.terminate(session, instance.id, "operator", "salah mulai")
    session.commit()
    assert [r.state for r in _rows(session, instance.id)] == ["cancelled"]
    assert _fetch(session, "w1", "kirim-email") == []


def test_each_instance_of_a_multi_instance_external_task_inside_a_sub_process_is_fetched(deploy, start, session,
                                                                                          reload):
    clock.set(T0)
    deploy("camunda7/tasks_external_multi_instance.bpmn")
    instance = start("tasks_external_multi_instance", {"penerima": ["ani@x.id", "budi@x.id", "cici@x.id"]})
    assert reload(instance.id).status == "waiting"
    fetched = _fetch(session, "w1", "kirim-email")
    assert len(fetched) == 3
    seen = sorted(external_tasks.variables(session, row.id)["alamat"] for row in fetched)
    assert seen == ["ani@x.id", "budi@x.id", "cici@x.id"]
    for row in fetched[:2]:
        _complete(session, row, "w1")
    assert reload(instance.id).status == "waiting"
    _complete(session, fetched[2], "w1")
    assert reload(instance.id).status == "completed"
