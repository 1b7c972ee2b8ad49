"""ISO 8601 timer values: strictly checked at deploy, translated for SpiffWorkflow, parsed as it will."""

from __future__ import annotations

import ast
from datetime import UTC, datetime

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.expressions import ExpressionError, check_timer_value, is_literal, timer_to_python
from tests.engine.evaluation import evaluate

VALID_TIMERS = [
    ("timeDuration", "P14D"), ("timeDuration", "PT12H"), ("timeDuration", "P1Y2M"), ("timeDuration", "P2W"),
    ("timeDuration", "P10D"), ("timeDuration", "PT30M"), ("timeDuration", "P1DT12H30M5S"),
    ("timeDuration", "PT0.5S"), ("timeDuration", "P0D"), ("timeDuration", "P1M"),
    ("timeCycle", "R3/P7D"), ("timeCycle", "R/P1D"), ("timeCycle", "R3/2027-01-01T00:00:00+08:00/P7D"),
    ("timeCycle", "R2/P1D/2027-06-30T17:00:00Z"), ("timeCycle", "R5/PT10S"),
    ("timeCycle", "R/2027-01-01/P1W"),
    ("timeDate", "2027-01-31T23:59:59+08:00"), ("timeDate", "2027-01-31"), ("timeDate", "2027-01-31T08:00"),
    ("timeDate", "2027-01-31T08:00:00Z"), ("timeDate", "2027-01-31T08:00:00.250-05:00"),
    ("timeDate", "2028-02-29"),
]


def spiff_parses(kind: str, value: str) -> None:
    """Parse value with SpiffWorkflow's own timer functions, as it will at run time."""
    start = datetime(2027, 1, 15, tzinfo=UTC)
    if kind == "timeDuration":
        assert TimerEventDefinition.get_timedelta_from_start(
            TimerEventDefinition.parse_iso_duration(value), start).total_seconds() >= 0
    elif kind == "timeDate":
        assert isinstance(TimerEventDefinition.parse_time_or_duration(value), datetime)
    else:
        cycles, first, duration = TimerEventDefinition.parse_iso_recurring_interval(value)
        assert isinstance(first, datetime) and duration.total_seconds() > 0 and cycles != 0


@pytest.mark.parametrize(("kind", "text"), VALID_TIMERS)
def test_iso_timer_text_becomes_a_checked_string_literal(kind: str, text: str) -> None:
    code = timer_to_python(f"  {text}\n")
    assert code == f'"{text}"'
    assert is_literal(code)
    value = ast.literal_eval(code)
    check_timer_value(value, kind)
    spiff_parses(kind, value)


@pytest.mark.parametrize(("kind", "text"), VALID_TIMERS)
def test_quoted_timer_literal_is_unchanged(kind: str, text: str) -> None:
    assert timer_to_python(f'"{text}"') == f'"{text}"'
    assert timer_to_python(f"'{text}'") == f"'{text}'"


@pytest.mark.parametrize(("text", "message"), [
    ("P14X", "'P14X' is not an ISO 8601 duration (e.g. P14D, PT12H)"),
    ("7D", "'7D' is not an ISO 8601 duration"),
    ("PT", "'PT' is not an ISO 8601 duration"),
    ("P", "'P' is not an ISO 8601 duration"),
    ("P1DT", "not an ISO 8601 duration"),
    ("PT1D", "not an ISO 8601 duration"),
    ("P1.5D", "not an ISO 8601 duration"),
    ("PT1,5S", "not an ISO 8601 duration"),
    ("P1W2D", "not an ISO 8601 duration"),
    ("P1H", "not an ISO 8601 duration"),
    ("R3/P7X", "'R3/P7X' is not an ISO 8601 repeating interval"),
    ("R3/", "not an ISO 8601 repeating interval"),
    ("R3/2027-01-01/2027-02-01", "not an ISO 8601 repeating interval"),
    ("R3/P1D/P2D", "not an ISO 8601 repeating interval"),
    ("R/P1D/2027-01-01/P1D", "not an ISO 8601 repeating interval"),
    ("2027-13-01", "'2027-13-01' is not an ISO 8601 date/time"),
    ("2027-02-30", "not an ISO 8601 date/time"),
    ("2027-01-31T24:00:00", "not an ISO 8601 date/time"),
    ("2027-01-31 08:00", "not an ISO 8601 date/time"),
    ("20270131", "not an ISO 8601 date/time"),
    ("2027-W05-3", "not an ISO 8601 date/time"),
])
def test_malformed_iso_timer_text_is_refused(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        timer_to_python(text)
    assert message in str(caught.value)


@pytest.mark.parametrize("value", ["7D", "P", "P1.5D", "PT1,5S", "R/P1.5D", "1W"])
def test_stricter_than_spiffworkflow(value: str) -> None:
    """SpiffWorkflow parses these leniently; Kinerja refuses them."""
    if value.startswith("R"):
        TimerEventDefinition.parse_iso_recurring_interval(value)
    else:
        TimerEventDefinition.parse_iso_duration(value)
    with pytest.raises(ExpressionError):
        check_timer_value(value, "timeCycle" if value.startswith("R") else "timeDuration")


@pytest.mark.parametrize(("value", "kind"), [
    ("P14D", "timeDate"), ("2027-01-31", "timeDuration"), ("R3/P7D", "timeDuration"), ("P7D", "timeCycle"),
    (" P14D", "timeDuration"), ("P14D ", "timeDuration"), ("", "timeDate"), ("p14d", "timeDuration"),
])
def test_check_timer_value_enforces_the_kind(value: str, kind: str) -> None:
    with pytest.raises(ExpressionError, match="is not an ISO 8601"):
        check_timer_value(value, kind)


def test_check_timer_value_refuses_non_text() -> None:
    with pytest.raises(ExpressionError, match="14 is not an ISO 8601 duration"):
        check_timer_value(14, "timeDuration")  # type: ignore[arg-type]


def test_check_timer_value_refuses_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown timer kind"):
        check_timer_value("P1D", "timeSpan")


@pytest.mark.parametrize(("text", "expected"), [
    ("${batas_tinjau}", "batas_tinjau"),
    ("${tenggat.tinjau}", 'tenggat["tinjau"]'),
    ("#{deadline}", "deadline"),
    ("${'P3D'}", '"P3D"'),
    ("deadline", "deadline"),
    ("  self_assessment_deadline ", "self_assessment_deadline"),
    ('"P" + str(days) + "D"', '"P" + str(days) + "D"'),
    ("PTotal", "PTotal"),
])
def test_timer_expressions(text: str, expected: str) -> None:
    assert timer_to_python(text) == expected


def test_timer_variable_value_is_checked_after_evaluation() -> None:
    code = timer_to_python("${tenggat.tinjau}")
    assert not is_literal(code)
    check_timer_value(evaluate(code, tenggat={"tinjau": "P5D"}), "timeDuration")
    with pytest.raises(ExpressionError):
        check_timer_value(evaluate(code, tenggat={"tinjau": "5 hari"}), "timeDuration")


@pytest.mark.parametrize("text", ["", "   ", "${a.withDayOfMonth(1)}", "Lewat ${n} hari"])
def test_timer_refusals(text: str) -> None:
    with pytest.raises(ExpressionError):
        timer_to_python(text)
