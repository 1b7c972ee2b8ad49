"""A value longer than its column is a clear incident (or refusal) naming it, on SQLite as on PostgreSQL.

PostgreSQL would fail the whole step with a raw StringDataRightTruncation; SQLite would store it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.clock import clock
from engine.definitions import specs
from engine.models import Instance
from engine.runtime.events.worker_pass import Backoff, run_pass
from engine.runtime.lifecycle import instances
from engine.runtime.running.row_limits import ValueTooLong

T0 = datetime(2027, 1, 2, 8, 0, tzinfo=UTC)
LONG = "x" * 300
DEADLINES = {"employee": "ani", "manager": "budi", "deadline": "2027-01-31T23:59:59+08:00"}


def test_an_assignee_longer_than_its_column_makes_the_start_an_incident_and_a_retry_mends_it(
        deploy, start, open_tasks, reload, events, session):
    deploy("processes/review.bpmn")
    instance = start("review", {"employee": LONG, "manager": "budi", "unit_group": "g"})
    stored = reload(instance.id)
    assert stored.status == "error" and open_tasks(instance.id) == []
    message = stored.error["message"]
    assert "human_task.assignee" in message and "(300 characters)" in message and "at most 200" in message
    assert stored.error["bpmn_id"] == "draft"
    assert [e for e, _ in events(instance.id)] == ["instance_started", "instance_failed"]

    instances.retry(session, instance.id, "op", {"employee": "ani"})
    session.commit()
    [draft] = open_tasks(instance.id)
    assert draft.assignee == "ani" and reload(instance.id).status == "running"


def test_a_candidate_group_longer_than_its_column_after_a_completion_is_an_incident(
        deploy, start, open_tasks, complete, reload):
    deploy("processes/review.bpmn")
    instance = start("review", {"employee": "ani", "manager": "budi", "unit_group": LONG})
    [draft] = open_tasks(instance.id)
    complete(draft, "ani", {"target": 1})  # the employee's submission is kept
    stored = reload(instance.id)
    assert stored.status == "error" and "task_candidate.value" in stored.error["message"]
    assert open_tasks(instance.id) == []


def test_the_worker_turns_a_too_long_assignee_into_an_incident_and_goes_on(
        deploy, start, complete, open_tasks, reload, session):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    bad = start("deadlines", {**DEADLINES, "manager": LONG}, key="bad")
    good = start("deadlines", DEADLINES, key="good")
    for instance in (bad, good):
        [submit] = open_tasks(instance.id)
        complete(submit, "ani")
    now = T0 + timedelta(days=15)
    clock.set(now)
    report = run_pass(session, now, Backoff(limit=3, seconds=5))
    assert sorted(report.fired) == sorted([bad.id, good.id]) and report.incidents == []
    assert reload(bad.id).status == "error" and "human_task.assignee" in reload(bad.id).error["message"]
    assert [t.bpmn_id for t in open_tasks(good.id)] == ["review"]


def test_a_business_key_longer_than_its_column_is_refused_and_nothing_is_stored(deploy, session):
    deploy("processes/review.bpmn")
    with pytest.raises(ValueTooLong) as refused:
        instances.start(session, specs.require_latest(session, "review"), {}, "k" * 201, "tester")
    session.rollback()
    assert "instance.business_key" in refused.value.message and "(201 characters)" in refused.value.message
    assert session.execute(select(func.count()).select_from(Instance)).scalar_one() == 0
    # The longest key the column holds is fine.
    assert instances.start(session, specs.require_latest(session, "review"), {"employee": "ani", "unit_group": "g"},
                           "k" * 200, "tester").business_key == "k" * 200


def test_an_external_worker_id_longer_than_its_column_is_refused_and_locks_nothing(deploy, start, session):
    from datetime import timedelta

    from engine.models import ExternalTask
    from engine.runtime.external import external_tasks

    deploy("camunda7/tasks_external.bpmn")
    start("tasks_external", {"alamat": "ani@samarinda.go.id", "prioritas": 3})
    with pytest.raises(ValueTooLong) as refused:
        external_tasks.fetch_and_lock(session, "w" * 201, {"kirim-email": timedelta(minutes=5)}, 10)
    session.rollback()
    assert "external_task.worker_id" in refused.value.message and refused.value.code == "value_too_long"
    assert session.execute(select(ExternalTask.worker_id)).scalars().all() == [None]
