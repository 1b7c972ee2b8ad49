"""JUEL method calls, Camunda's date functions and the business key, run in processes as Camunda Modeler saves them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.clock import clock
from tests.conftest import read_fixture
from tests.engine.runtime.events.test_timers import _pass

T0 = datetime(2027, 1, 29, 2, 0, tzinfo=UTC)  # 10:00 in Samarinda (WITA, UTC+8)
METHODS = "camunda7/expressions_methods.bpmn"


@pytest.mark.parametrize(("key", "data", "expected"), [
    # text methods and a date comparison against dateTime().plusDays(3)
    ("k1", {"judul": "  segera: banjir ", "batas": "2027-01-30", "unit": "Kecamatan", "lampiran": []},
     "Task_mendesak"),
    ("k2", {"judul": "segera: banjir", "batas": "2027-02-05", "unit": "Kecamatan", "lampiran": []}, "Task_lain_r2"),
    # the business key, size() of a list, contains/equals in a ternary
    ("dinas-7", {"judul": "", "batas": "2027-02-05", "unit": "Dinas Kesehatan", "lampiran": ["a.pdf"]},
     "Task_dinas_r1"),
    ("dinas-8", {"judul": "", "batas": "2027-02-05", "unit": "Bappeda", "lampiran": ["a.pdf"]}, "Task_dinas_r1"),
    ("dinas-9", {"judul": "", "batas": "2027-02-05", "unit": "Bappeda", "lampiran": []}, "Task_lain_r2"),
    ("luar-1", {"judul": None, "batas": "2027-02-05", "unit": "Dinas Kesehatan", "lampiran": ["a"]}, "Task_lain_r2"),
])
def test_gateway_conditions_with_methods(deploy, start, open_tasks, key, data, expected):
    clock.set(T0)
    deploy(METHODS)
    instance = start("expressions_methods", {"penilai": "budi", **data}, key=key)
    [task] = open_tasks(instance.id)
    assert task.bpmn_id == expected
    assert task.assignee == "budi"


def test_urgent_task_is_due_in_four_hours_and_assigned_through_get_variable(deploy, start, open_tasks):
    clock.set(T0)
    deploy(METHODS)
    instance = start("expressions_methods", {"penilai": "ani", "judul": "SEGERA", "batas": "2027-01-29T12:00:00+08:00",
                                             "unit": "", "lampiran": []})
    [task] = open_tasks(instance.id)
    assert task.assignee == "ani"
    assert task.due_at.astimezone(UTC) == T0 + timedelta(hours=4)


def test_a_method_called_on_a_missing_value_is_an_incident_that_says_so(deploy, start, reload):
    clock.set(T0)
    deploy(METHODS)
    # judul is set, so the first condition goes on to call isBefore on batas, which is null.
    instance = start("expressions_methods", {"penilai": "ani", "judul": "SEGERA", "batas": None, "unit": "",
                                             "lampiran": []})
    stored = reload(instance.id)
    assert stored.status == "error"
    assert "cannot call isBefore() on null" in stored.error["message"]


def test_timer_date_from_a_date_chain(deploy, start, open_tasks, reload, session):
    clock.set(T0)
    deploy("camunda7/expressions_timer_date.bpmn")
    instance = start("expressions_timer_date", {})
    # ${dateTime().plusDays(2).withTimeAtStartOfDay().toDate()}: midnight in Samarinda two days on.
    midnight = datetime(2027, 1, 30, 16, 0, tzinfo=UTC)
    assert reload(instance.id).next_timer_at.replace(tzinfo=UTC) == midnight
    assert _pass(session, midnight - timedelta(minutes=1)) == []
    assert _pass(session, midnight + timedelta(seconds=1)) == [instance.id]
    assert open_tasks(instance.id) == []
    assert reload(instance.id).status == "completed"


@pytest.mark.parametrize("value", ["${batas}", "2027-02-01", "2027-02-01T00:00:00"])
def test_timer_date_without_offset_is_samarinda_time(deploy, start, reload, value):
    clock.set(T0)
    xml = read_fixture("camunda7/expressions_timer_date.bpmn")["expressions_timer_date.bpmn"]
    xml = xml.replace(b"${dateTime().plusDays(2).withTimeAtStartOfDay().toDate()}", value.encode())
    deploy(files={"expressions_timer_date.bpmn": xml})
    instance = start("expressions_timer_date", {"batas": "2027-02-01"})
    # The first moment of 1 February in WITA, whatever the server's zone.
    assert reload(instance.id).next_timer_at.replace(tzinfo=UTC) == datetime(2027, 1, 31, 16, 0, tzinfo=UTC)
