"""Timers that bound: zero and absurd durations refused at validation or made incidents, late cycles fire once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.clock import clock
from engine.definitions.validation import validate
from engine.expressions import ExpressionError
from engine.expressions.timer_bounds import TimerLimits, check_timer_bounds, set_timer_limits, timer_limits
from tests.conftest import FIXTURES, read_fixture
from tests.conftest import worker_pass as _pass

T0 = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
SOURCE = (FIXTURES / "processes" / "timer_values.bpmn").read_text(encoding="utf-8")


def _with(duration: str = "${wait}", cycle: str = "${cycle}") -> dict[str, bytes]:
    text = SOURCE.replace(">${wait}<", f">{duration}<").replace(">${cycle}<", f">{cycle}<")
    return {"timer_values.bpmn": text.encode()}


@pytest.mark.parametrize(("duration", "cycle", "words"), [
    ("PT0S", "${cycle}", "'PT0S': the duration PT0S is shorter than the shortest timer allowed, 1 second(s)"),
    ("P999999999Y", "${cycle}", "the duration P999999999Y is longer than the longest timer allowed, 3660 day(s)"),
    ("${wait}", "R/PT0S", "'R/PT0S': the interval PT0S is shorter than the shortest timer allowed"),
    ("${wait}", "R5/2027-01-01T00:00:00+08:00/PT0.5S", "the interval PT0.5S is shorter"),
    ("${wait}", "R/P20000D", "the interval P20000D is longer"),
])
def test_validation_refuses_zero_and_absurd_durations_and_cycles(duration, cycle, words):
    checked, problems = validate(_with(duration, cycle))
    assert checked is None
    assert any(words in p.message and "KINERJA_TIMER_" in p.message for p in problems), problems


def test_durations_within_the_range_are_valid_and_the_range_is_a_setting():
    assert validate(_with("PT1S", "R/P3650D"))[1] == []
    before = timer_limits()
    try:
        set_timer_limits(3600, 30)
        assert validate(_with("PT30M"))[0] is None  # now under the shortest allowed
        assert validate(_with("PT1H", "R/P30D"))[1] == []
    finally:
        set_timer_limits(before.min_seconds, before.max_days)


def test_the_range_check_reads_calendar_units():
    limits = TimerLimits(min_seconds=1, max_days=366)
    for fine in ("P1Y", "P12M", "P52W", "PT1S", "R/P1D", "R3/P1D/2027-06-30T17:00:00Z"):
        check_timer_bounds(fine, "timeCycle" if fine.startswith("R") else "timeDuration", limits)
    for wrong in ("P2Y", "P13M", "PT0.9S", "PT0M0S"):
        with pytest.raises(ExpressionError):
            check_timer_bounds(wrong, "timeDuration", limits)
    check_timer_bounds("2027-01-01T00:00:00Z", "timeDate", limits)  # a date is not a duration


@pytest.mark.parametrize(("data", "words"), [
    ({"wait": "P999999999Y", "cycle": "R/P1D"}, "the duration P999999999Y is longer"),
    ({"wait": "PT0S", "cycle": "R/P1D"}, "the duration PT0S is shorter"),
])
def test_a_duration_from_an_expression_outside_the_range_is_an_incident(deploy, start, reload, events, data, words):
    clock.set(T0)
    deploy(files=read_fixture("processes/timer_values.bpmn"))
    instance = start("timer_values", {"employee": "ani", **data})
    stored = reload(instance.id)
    assert stored.status == "error" and stored.next_timer_at is None
    assert words in stored.error["message"] and stored.error["bpmn_id"] == "wait"
    assert [e for e, _ in events(instance.id)][-1] == "instance_failed"


def test_a_zero_cycle_from_an_expression_is_an_incident_when_the_worker_reaches_it(
        deploy, start, reload, open_tasks, session):
    clock.set(T0)
    deploy(files=read_fixture("processes/timer_values.bpmn"))
    instance = start("timer_values", {"employee": "ani", "wait": "PT1H", "cycle": "R/PT0S"})
    assert _pass(session, T0 + timedelta(hours=1, seconds=1)) == [instance.id]
    stored = reload(instance.id)
    assert stored.status == "error" and "'R/PT0S': the interval PT0S is shorter" in stored.error["message"]
    assert _pass(session, T0 + timedelta(hours=2)) == []  # no loop, no second attempt


def test_a_cycle_timer_an_hour_late_fires_once_and_goes_on_from_the_present(
        deploy, start, reload, events, open_tasks, session):
    clock.set(T0)
    deploy(files=read_fixture("processes/timer_values.bpmn"))
    instance = start("timer_values", {"employee": "ani", "wait": "PT1H", "cycle": "R/PT1S"})
    armed = T0 + timedelta(hours=1, seconds=1)
    assert _pass(session, armed) == [instance.id]
    late = armed + timedelta(hours=1, milliseconds=500)  # the worker was down for an hour: 3,600 intervals missed
    assert _pass(session, late) == [instance.id]
    fired = [d for e, d in events(instance.id) if e == "timer_fired" and d["bpmn_id"] == "remind"]
    assert len(fired) == 1  # one firing, audited
    assert [e for e, _ in events(instance.id)].count("task_created") == 1  # the task is still the one
    assert reload(instance.id).next_timer_at.replace(tzinfo=UTC) > late
    assert _pass(session, late + timedelta(seconds=2)) == [instance.id]  # then on time again, one by one
    assert len([e for e, d in events(instance.id) if e == "timer_fired" and d["bpmn_id"] == "remind"]) == 2


def test_a_bounded_cycle_counts_the_missed_repetitions_as_spent(deploy, start, reload, events, session):
    clock.set(T0)
    deploy(files=read_fixture("processes/timer_values.bpmn"))
    instance = start("timer_values", {"employee": "ani", "wait": "PT1H", "cycle": "R3/PT1M"})
    armed = T0 + timedelta(hours=1, seconds=1)
    _pass(session, armed)
    _pass(session, armed + timedelta(hours=5))
    _pass(session, armed + timedelta(hours=6))
    fired = [d for e, d in events(instance.id) if e == "timer_fired" and d["bpmn_id"] == "remind"]
    assert len(fired) == 1 and reload(instance.id).next_timer_at is None


# --- fixed dates (timeDate) ---------------------------------------------------------------------------

DATE_TIMER = '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">${deadline}</bpmn:timeDate>'
DEADLINES = {"employee": "ani", "manager": "budi"}


def _deadlines(date: str) -> dict[str, bytes]:
    text = read_fixture("processes/deadlines.bpmn")["deadlines.bpmn"].decode()
    assert DATE_TIMER in text
    return {"deadlines.bpmn": text.replace(DATE_TIMER, DATE_TIMER.replace("${deadline}", date)).encode()}


def test_validation_refuses_a_fixed_date_further_ahead_than_the_longest_timer():
    clock.set(T0)
    checked, problems = validate(_deadlines("2037-06-01T00:00:00+08:00"))  # 3,800 days after T0
    assert checked is None
    assert any("'2037-06-01T00:00:00+08:00': the date is more than 3660 day(s) ahead" in p.message
               and "KINERJA_TIMER_MAX_DAYS" in p.message for p in problems), problems
    assert validate(_deadlines("2036-12-01T00:00:00+08:00"))[1] == []  # 3,618 days: within the range
    assert validate(_deadlines("2020-01-01T00:00:00+08:00"))[1] == []  # a past date is a timer due at once


def test_the_date_check_reads_what_spiffworkflow_reads():
    clock.set(T0)
    limits = TimerLimits(min_seconds=1, max_days=366)
    for fine in ("2027-06-30", "2027-06-30T17:00:00Z", "2027W261", "2000-01-01T00:00:00+08:00"):
        check_timer_bounds(fine, "timeDate", limits)
    for wrong, words in [("2028-06-30", "more than 366 day"), ("9999-12-31T00:00:00Z", "ahead"),
                         ("P14D", "not a date and time"), ("besok", "not a date and time"),
                         ("2027-13-40", "not a date and time")]:
        with pytest.raises(ExpressionError, match=words):
            check_timer_bounds(wrong, "timeDate", limits)


@pytest.mark.parametrize(("deadline", "words"), [
    ("2099-01-31T23:59:59+08:00", "'2099-01-31T23:59:59+08:00': the date is more than 3660 day(s) ahead"),
    ("akhir bulan", "'akhir bulan' is not a date and time"),
])
def test_a_date_from_an_expression_outside_the_range_is_an_incident(deploy, start, reload, events, deadline,
                                                                     words):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {**DEADLINES, "deadline": deadline})
    stored = reload(instance.id)
    assert stored.status == "error" and stored.next_timer_at is None
    assert words in stored.error["message"] and stored.error["bpmn_id"] == "expire"
    assert "instance_failed" in [e for e, _ in events(instance.id)]


def test_a_date_from_an_expression_in_the_past_fires_at_once(deploy, start, reload, open_tasks, session):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {**DEADLINES, "deadline": "2026-12-31T23:59:59+08:00"})
    _pass(session, T0)
    assert reload(instance.id).status != "error"
    assert [task.bpmn_id for task in open_tasks(instance.id)] == ["escalated"]
