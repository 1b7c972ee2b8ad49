"""JUEL calls translated at deploy time and run by the sandbox: dates, text, lists, maps, text templates."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from engine.clock import clock
from engine.context import RunContext, running
from engine.expressions import ExpressionError, juel_template_to_python, juel_to_python
from engine.sandbox import SandboxEnvironment
from engine.sandbox.juel_functions import Moment

T0 = datetime(2027, 1, 29, 2, 0, tzinfo=UTC)  # 10:00 in Samarinda (WITA, UTC+8)


def run(expression: str, **data: Any) -> Any:
    """Translate expression and evaluate it over data the way the engine does."""
    return SandboxEnvironment().evaluate(juel_to_python(expression), data)


@pytest.fixture(autouse=True)
def _frozen() -> None:
    clock.set(T0)


@pytest.mark.parametrize(("expression", "expected"), [
    ("${dateTime().toDate()}", "2027-01-29T10:00:00+08:00"),
    ("${now()}", "2027-01-29T10:00:00+08:00"),
    ("${dateTime().plusDays(7).toDate()}", "2027-02-05T10:00:00+08:00"),
    ("${dateTime().plusWeeks(2).minusHours(3).toDate()}", "2027-02-12T07:00:00+08:00"),
    ("${dateTime().plusMonths(1).toDate()}", "2027-02-28T10:00:00+08:00"),  # clamped to the month's last day
    ("${dateTime().plusYears(1).plusMinutes(30).toDate()}", "2028-01-29T10:30:00+08:00"),
    ("${dateTime().withTimeAtStartOfDay().toDate()}", "2027-01-29T00:00:00+08:00"),
    ("${tanggal.plusDays(3)}", "2027-03-03"),  # a plain date stays a plain date
    ("${tanggal.plusHours(1)}", "2027-02-28T01:00:00+08:00"),
    ("${tanggal.minusMonths(12)}", "2026-02-28"),
    ("${waktu.plusSeconds(30).toDate()}", "2027-02-01T08:00:30+00:00"),
])
def test_date_chains_give_iso_text(expression: str, expected: str) -> None:
    result = run(expression, tanggal="2027-02-28", waktu="2027-02-01T08:00:00+00:00")
    assert result == expected
    assert isinstance(result, str)  # task data stays JSON


@pytest.mark.parametrize(("expression", "expected"), [
    ("${now() > batas}", True),  # 10:00 on the 29th is after the 29th began
    ("${batas < now()}", True),
    ("${now() < '2027-01-29T03:00:00+00:00'}", True),  # chronological, not by text: 11:00 WITA
    ("${dateTime().plusDays(1).toDate() >= besok}", False),
    ("${batas.isBefore(now())}", True),
    ("${batas.isAfter(dateTime())}", False),
    ("${batas.plusDays(1).isEqual('2027-01-30T00:00:00+08:00')}", True),
    ("${now().after(batas)}", True),
    ("${now().before(batas)}", False),
    ("${'2027-01-29T09:30:00'.isAfter(now())}", False),  # no offset: WITA, as in due dates and timers
    ("${'2027-01-29T10:30:00'.isAfter(now())}", True),
])
def test_dates_compare_chronologically(expression: str, expected: bool) -> None:
    assert run(expression, batas="2027-01-29", besok="2027-01-30T12:00:00+08:00") is expected


@pytest.mark.parametrize(("expression", "expected"), [
    ("${nama.startsWith('Ani')}", True),
    ("${nama.endsWith('S.T.')}", True),
    ("${nama.contains('Putri')}", True),
    ("${nama.toUpperCase()}", "ANI PUTRI, S.T."),
    ("${nama.toLowerCase()}", "ani putri, s.t."),
    ("${sapaan.trim()}", "Bu Ani"),
    ("${sapaan.length()}", 10),
    ("${nama.substring(0, 3)}", "Ani"),
    ("${nama.substring(11)}", "S.T."),
    ("${nama.indexOf('Putri')}", 4),
    ("${nama.replace('S.T.', 'S.Kom.')}", "Ani Putri, S.Kom."),
    ("${nama.equals('Ani Putri, S.T.')}", True),
    ("${nama.equalsIgnoreCase('ANI PUTRI, S.T.')}", True),
    ("${kosong.isEmpty()}", True),
    ("${!kosong.isEmpty()}", False),
    ("${daftar.size()}", 2),
    ("${daftar.contains('b')}", True),
    ("${daftar.get(1)}", "b"),
    ("${peta.containsKey('x')}", True),
    ("${peta.get('y')}", None),
    ("${peta.size() == 1 ? 'satu' : 'banyak'}", "satu"),
    ("${angka.toString()}", "42"),
    ("${benar.toString()}", "true"),
    ("${execution.getVariable('nama').startsWith('Ani')}", True),
    ("${execution.getVariable('tidak_ada')}", None),
    ("${empty execution.getVariable('tidak_ada')}", True),
])
def test_text_list_and_map_methods(expression: str, expected: Any) -> None:
    data = {"nama": "Ani Putri, S.T.", "sapaan": "  Bu Ani  ", "kosong": "", "daftar": ["a", "b"], "peta": {"x": 1},
            "angka": 42, "benar": True}
    assert run(expression, **data) == expected


@pytest.mark.parametrize(("expression", "message"), [
    ("${nama.trim()}", "cannot call trim() on null"),
    ("${angka.startsWith('4')}", "startsWith() needs text, not a number"),
    ("${nama.plusDays(1)}", "plusDays() needs a date, and 'Ani' is not an ISO 8601 date"),
    ("${batas.plusDays('x')}", "plusDays() needs a whole number"),
    ("${nama.substring(5)}", "outside the text"),
    ("${panjang.replace('a', panjang)}", "would build a text longer than"),
])
def test_run_time_errors_say_what_is_wrong(expression: str, message: str) -> None:
    data = {"nama": "Ani", "angka": 42, "batas": "2027-01-29", "panjang": "a" * 2000}
    if expression == "${nama.trim()}":
        data["nama"] = None
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(expression, **data)


def test_business_key_comes_from_the_running_instance() -> None:
    context = RunContext(session=None, instance_id=1, process_id="p",  # type: ignore[arg-type]
                         business_key="skp:2027:1980", actor="tester")
    with running(context):
        assert run("${execution.processBusinessKey}") == "skp:2027:1980"
        assert run("${execution.getProcessBusinessKey().startsWith('skp:')}") is True
        assert run("${execution.getBusinessKey()}") == "skp:2027:1980"


def test_moment_is_text_in_task_data() -> None:
    value = run("${dateTime().toDate()}")
    assert isinstance(value, Moment)
    assert json.loads(json.dumps({"d": value})) == {"d": "2027-01-29T10:00:00+08:00"}


@pytest.mark.parametrize(("text", "data", "expected"), [
    ("Hello ${name}", {"name": "Ani"}, "Hello Ani"),
    ("Hello ${name}", {"name": None}, "Hello "),
    ("${a} dan ${b}", {"a": 1, "b": True}, "1 dan true"),
    ("Batas: ${dateTime().plusDays(7).toDate()}", {}, "Batas: 2027-02-05T10:00:00+08:00"),
    ("Harga \\${x}", {}, "Harga ${x}"),
    ("tanpa ungkapan", {}, "tanpa ungkapan"),
    ("${jumlah}", {"jumlah": 3}, 3),  # exactly one ${...} keeps the value's type
])
def test_text_templates(text: str, data: dict[str, Any], expected: Any) -> None:
    assert SandboxEnvironment().evaluate(juel_template_to_python(text), data) == expected


def test_text_templates_stay_refused_where_a_single_value_is_needed() -> None:
    with pytest.raises(ExpressionError, match="mixes text"):
        juel_to_python("Hello ${name}")
    with pytest.raises(ExpressionError, match="not closed"):
        juel_template_to_python("Hello ${name")
