"""Due and follow-up dates of user tasks written as Camunda Modeler saves them: JUEL date chains, durations, dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.clock import clock
from engine.definitions.validation import validate
from engine.runtime.human_tasks.inbox import task_dict
from tests.conftest import read_fixture

T0 = datetime(2027, 1, 29, 2, 0, tzinfo=UTC)  # 10:00 in Samarinda (WITA, UTC+8)
FIXTURE = "camunda7/expressions_task_dates.bpmn"


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def test_date_chain_due_date_and_duration_follow_up(deploy, start, open_tasks, events):
    clock.set(T0)
    deploy(FIXTURE)
    instance = start("expressions_task_dates", {"batas_tinjau": "2027-01-31"})
    [review] = open_tasks(instance.id)
    # ${dateTime().plusDays(7).toDate()}: seven days from when the task appeared, to the second.
    assert _utc(review.due_at) == T0 + timedelta(days=7)
    # P3D: three days from when the task appeared.
    assert _utc(review.follow_up_at) == T0 + timedelta(days=3)
    created = [d for e, d in events(instance.id) if e == "task_created"]
    assert created[0]["follow_up_at"] == (T0 + timedelta(days=3)).isoformat()
    assert task_dict(review)["follow_up_at"] == (T0 + timedelta(days=3)).isoformat()


def test_chains_on_a_date_variable_keep_the_end_of_day_rule(deploy, start, open_tasks, complete):
    clock.set(T0)
    deploy(FIXTURE)
    instance = start("expressions_task_dates", {"batas_tinjau": "2027-01-31"})
    complete(open_tasks(instance.id)[0], "penilai")
    [approve] = open_tasks(instance.id)
    # ${batas_tinjau.plusMonths(1)} on 31 January is 28 February (the month's last day), a plain date:
    # due at the end of that day in Samarinda, 15:59:59 UTC.
    assert _utc(approve.due_at) == datetime(2027, 2, 28, 15, 59, 59, tzinfo=UTC)
    # ${batas_tinjau.minusDays(2).toDate()}: 29 January, end of the day in WITA.
    assert _utc(approve.follow_up_at) == datetime(2027, 1, 29, 15, 59, 59, tzinfo=UTC)
    assert "due_date_error" not in approve.properties and "follow_up_date_error" not in approve.properties


def test_literal_date_and_date_time(deploy, start, open_tasks, complete):
    clock.set(T0)
    deploy(FIXTURE)
    instance = start("expressions_task_dates", {"batas_tinjau": "2027-01-31"})
    complete(open_tasks(instance.id)[0], "penilai")
    complete(open_tasks(instance.id)[0], "atasan")
    [archive] = open_tasks(instance.id)
    assert _utc(archive.due_at) == datetime(2027, 3, 31, 15, 59, 59, tzinfo=UTC)
    assert _utc(archive.follow_up_at) == datetime(2027, 3, 24, 1, 0, tzinfo=UTC)


def test_a_follow_up_date_that_cannot_be_read_keeps_the_task_and_says_why(deploy, start, open_tasks, complete):
    clock.set(T0)
    deploy(FIXTURE)
    instance = start("expressions_task_dates", {"batas_tinjau": "nanti saja"})
    complete(open_tasks(instance.id)[0], "penilai")
    [approve] = open_tasks(instance.id)
    assert approve.due_at is None and approve.follow_up_at is None
    assert "not an ISO 8601 date" in approve.properties["follow_up_date_error"]
    assert "not an ISO 8601 date" in approve.properties["due_date_error"]


def test_malformed_follow_up_and_unsupported_date_methods_are_refused_with_their_line():
    files = read_fixture("camunda7/expressions_refused.bpmn")
    checked, problems = validate(files)
    assert checked is None
    found = {(p.line, p.message.split(":")[0]) for p in problems}
    assert (12, "user task 'Task_awal' (Awal bulan), dueDate") in found
    messages = "\n".join(str(p) for p in problems)
    assert "expressions_refused.bpmn:12: user task 'Task_awal' (Awal bulan), followUpDate 'besok' is not an ISO 8601" \
        in messages
    # The rewrite is in the message: a duration instead of the date chain.
    assert "write a duration such as P7D instead of ${dateTime().plusDays(7).toDate()}" in messages
    assert "expressions_refused.bpmn:16: user task 'Task_salam_r1' (Salam), followUpDate: " \
        "'execution.setVariable(...)' is not supported" in messages
    assert "expressions_refused.bpmn:26: condition of sequence flow 'Flow_cocok': method call 'nip.matches(...)'" \
        in messages


def test_a_date_time_without_offset_is_samarinda_time(deploy, start, open_tasks, complete):
    clock.set(T0)
    deploy(FIXTURE)
    instance = start("expressions_task_dates", {"batas_tinjau": "2027-02-10T17:00:00"})
    complete(open_tasks(instance.id)[0], "penilai")
    [approve] = open_tasks(instance.id)
    assert _utc(approve.due_at) == datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # plusMonths(1), 17:00 WITA
    assert _utc(approve.follow_up_at) == datetime(2027, 2, 8, 9, 0, tzinfo=UTC)
