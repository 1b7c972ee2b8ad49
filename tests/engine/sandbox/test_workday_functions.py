"""The working-day functions as process owners write them: JUEL, FEEL and Python, all through the sandbox."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.clock import clock
from engine.expressions import ExpressionError, juel_to_python
from engine.expressions.feel import feel_expression_to_python, feel_unary_to_python
from engine.sandbox.environment import SandboxEnvironment

WITA = clock.local_tz


def run(code: str, **data: object) -> object:
    return SandboxEnvironment().evaluate(code, dict(data))


def test_juel_functions_and_the_date_method_give_the_same_working_day():
    clock.set(datetime(2027, 8, 13, 9, 30, tzinfo=WITA))  # Friday before Independence Day (Tuesday 17 August)
    # Mon 16, Wed 18: the 17th is skipped; the time of day is kept.
    assert run(juel_to_python("${hariKerja(2)}")) == "2027-08-18T09:30:00+08:00"
    assert run(juel_to_python("${batas.plusWorkingDays(2)}"), batas="2027-08-13") == "2027-08-18"
    assert run(juel_to_python("${hariKerja(batas, 2)}"), batas="2027-08-13") == "2027-08-18"
    assert run(juel_to_python("${durasiHariKerja(2)}")) == "P5D"
    assert run(juel_to_python("${adalahHariKerja('2027-08-17')}")) is False
    assert run(juel_to_python("${hitungHariKerja('2027-08-13', '2027-08-20')}")) == 4


def test_zero_working_days_is_the_day_itself_or_the_next_working_day():
    assert run("tambah_hari_kerja('2027-08-13', 0)") == "2027-08-13"
    assert run("tambah_hari_kerja('2027-08-14', 0)") == "2027-08-16"  # a Saturday moves to Monday


def test_feel_decisions_can_compare_with_a_working_day_deadline():
    match = feel_unary_to_python("<= hariKerja(mulai, 3)")
    assert match is not None
    deadline = feel_expression_to_python("hariKerja(mulai, 3)")
    assert run(deadline, mulai="2027-08-13") == "2027-08-19"
    assert run(match.replace("?", "dikirim"), mulai="2027-08-13", dikirim="2027-08-19") is True
    assert run(match.replace("?", "dikirim"), mulai="2027-08-13", dikirim="2027-08-20") is False


@pytest.mark.parametrize(("code", "message"), [
    ("tambah_hari_kerja('2027-08-13', -1)", "cannot be negative"),
    ("tambah_hari_kerja('13/08/2027', 1)", "needs an ISO 8601 date or date-time"),
    ("tambah_hari_kerja('2027-08-13', 1.5)", "must be a whole number"),
    ("tambah_hari_kerja('2027-08-13', 100000)", "more than the 2500"),
])
def test_bad_input_at_evaluation_says_what_is_wrong(code, message):
    with pytest.raises(ValueError, match=message):
        run(code)


def test_a_negative_literal_count_is_refused_before_it_runs():
    with pytest.raises(ExpressionError, match="negative"):
        feel_expression_to_python("hariKerja(mulai, -3)")
    with pytest.raises(ExpressionError, match="takes 2 arguments"):
        juel_to_python("${hitungHariKerja(a)}")


def test_outside_an_engine_step_the_added_days_count_only_where_a_session_is_given(session):
    from datetime import date

    from engine.workdays import add_day_off, reading_days_off
    add_day_off(session, date(2027, 8, 16), "Cuti bersama", "operator")
    session.commit()
    assert run("tambah_hari_kerja('2027-08-13', 1)") == "2027-08-16"  # no session: public holidays only
    with reading_days_off(session):
        assert run("tambah_hari_kerja('2027-08-13', 1)") == "2027-08-18"  # Mon 16 added, Tue 17 a holiday
