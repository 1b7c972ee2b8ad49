"""Timers and due dates counted in working days: weekends, public holidays and added cuti bersama are skipped."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import clock
from engine.definitions.validation import validate
from engine.workdays import add_day_off
from tests.conftest import worker_pass

WITA = clock.local_tz
FIXTURE = "processes/working_days.bpmn"


def _wita(moment: datetime | None) -> datetime | None:
    return moment.astimezone(WITA) if moment is not None else None


def _start(deploy, start, now: datetime, **data):
    clock.set(now)
    deploy(FIXTURE)
    return start("working_days", {"pegawai": "ani", "mulai": now.astimezone(WITA).date().isoformat(),
                                  "jumlah_hari": 5, **data})


def test_due_date_and_timers_skip_the_weekend(deploy, start, open_tasks, reload, session, events):
    friday = datetime(2027, 1, 8, 10, 0, tzinfo=WITA)
    instance = _start(deploy, start, friday)
    [submit] = open_tasks(instance.id)
    # ${hariKerja(3)} on a Friday at 10:00: Monday, Tuesday, Wednesday, same time.
    assert _wita(submit.due_at) == datetime(2027, 1, 13, 10, 0, tzinfo=WITA)
    # ${mulai.plusWorkingDays(1)} on a plain date: the next working day (Monday), end of that day.
    assert _wita(submit.follow_up_at) == datetime(2027, 1, 11, 23, 59, 59, tzinfo=WITA)
    # ${durasiHariKerja(2)}: the reminder comes on Tuesday, not on Sunday.
    assert worker_pass(session, datetime(2027, 1, 12, 9, 59, tzinfo=WITA)) == []
    assert worker_pass(session, datetime(2027, 1, 12, 10, 1, tzinfo=WITA)) == [instance.id]
    # ${hariKerja(jumlah_hari)} with 5: the deadline passes the next Friday, not on Wednesday.
    assert worker_pass(session, datetime(2027, 1, 15, 9, 59, tzinfo=WITA)) == []
    assert worker_pass(session, datetime(2027, 1, 15, 10, 1, tzinfo=WITA)) == [instance.id]
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["escalated"]


def test_idul_fitri_is_not_a_working_day(deploy, start, open_tasks):
    # Idul Fitri 2027 falls on Wednesday 10 and Thursday 11 March (as the holidays package estimates it).
    tuesday = datetime(2027, 3, 9, 10, 0, tzinfo=WITA)
    instance = _start(deploy, start, tuesday)
    [submit] = open_tasks(instance.id)
    assert _wita(submit.due_at) == datetime(2027, 3, 16, 10, 0, tzinfo=WITA)  # Fri 12, Mon 15, Tue 16


def test_an_added_cuti_bersama_day_moves_the_deadline(deploy, start, open_tasks, session):
    add_day_off(session, date(2027, 3, 12), "Cuti bersama Idul Fitri", "operator")
    session.commit()
    instance = _start(deploy, start, datetime(2027, 3, 9, 10, 0, tzinfo=WITA))
    [submit] = open_tasks(instance.id)
    assert _wita(submit.due_at) == datetime(2027, 3, 17, 10, 0, tzinfo=WITA)  # Mon 15, Tue 16, Wed 17
    # The timers skip the same days: the reminder after 2 working days (Tue 16), the deadline after 5 (Fri 19).
    assert worker_pass(session, datetime(2027, 3, 16, 10, 1, tzinfo=WITA)) == [instance.id]
    assert worker_pass(session, datetime(2027, 3, 19, 9, 59, tzinfo=WITA)) == []
    assert worker_pass(session, datetime(2027, 3, 19, 10, 1, tzinfo=WITA)) == [instance.id]
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["escalated"]


def test_scripts_count_working_days_too(deploy, start, open_tasks, complete):
    instance = _start(deploy, start, datetime(2027, 1, 8, 10, 0, tzinfo=WITA))
    complete(open_tasks(instance.id)[0], "ani")
    [review] = open_tasks(instance.id)
    # tambah_hari_kerja(today_iso(), 2) on Friday 8 January: Tuesday 12, a plain date due at the end of that day.
    assert _wita(review.due_at) == datetime(2027, 1, 12, 23, 59, 59, tzinfo=WITA)


def test_a_negative_count_in_a_variable_stops_the_instance_with_a_clear_incident(deploy, start, reload):
    instance = _start(deploy, start, datetime(2027, 1, 8, 10, 0, tzinfo=WITA), jumlah_hari=-2)
    stored = reload(instance.id)
    assert stored.status == "error"
    assert "cannot be negative" in str(stored.error)


def _with_expression(expression: str) -> dict[str, bytes]:
    from tests.conftest import read_fixture
    [(name, data)] = read_fixture(FIXTURE).items()
    return {name: data.replace(b"${hariKerja(jumlah_hari)}", expression.encode())}


@pytest.mark.parametrize(("expression", "message"), [
    ("${hariKerja(-2)}", "hariKerja() counts working days forward: -2 is negative"),
    ("${hariKerja()}", "hariKerja() takes 1 or 2 arguments, not 0"),
    ("${mulai.plusWorkingDays(-1)}", "plusWorkingDays() counts working days forward: -1 is negative"),
])
def test_bad_counts_are_refused_at_validation(expression, message):
    checked, problems = validate(_with_expression(expression))
    assert checked is None
    assert any(message in str(p) for p in problems), problems

