"""`kinerja instance start --data` and `task complete --data` against hostile JSON: a clear error or a success.

Never a traceback; a refusal leaves no instance behind and adds no audit event.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine.data_limits import DataLimits, set_data_limits
from engine.models import AuditEvent, HumanTask, Instance
from tests.conftest import FIXTURES

from .data_inputs import SMALL_LIMITS, WEB, json_values, nested, raw_json_texts


@pytest.fixture
def app(database_url: str, sessions: Any) -> Iterator[Flask]:
    """The CLI's app on the test database with small data limits and the review process deployed."""
    from webui import create_app
    app = create_app({"DATABASE_URL": database_url, **SMALL_LIMITS})
    assert _run(app, "bpmn", "deploy", str(FIXTURES / "processes" / "review.bpmn")).exit_code == 0
    yield app
    set_data_limits(DataLimits())


def _run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def _clear(result: Any) -> None:
    """Assert the command ended on its own: 0, or 1 with an `error:` line; no exception escaped."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert "error:" in result.output


def _counts(app: Flask) -> tuple[int, int]:
    from webui.extensions import db
    with app.app_context():
        return (db.session.execute(select(func.count()).select_from(Instance)).scalar_one(),
                db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


START = {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"}


@pytest.mark.parametrize(("data", "said"), [
    ('{"employee": "ani", "x": NaN}', "NaN is not a number JSON allows"),
    ('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested deeper than 8 levels"),
    ('{"x": ' + json.dumps(nested(9)) + "}", "nested deeper than 8 levels"),
    (json.dumps({"k" * 65: 1}), "65 characters long; at most 64"),
    (json.dumps({"blob": "b" * 5_000}), "variable 'blob' is 5,002 bytes"),
    (json.dumps({f"v{i}": "v" * 4_000 for i in range(20)}), "an instance may hold at most 65,536 bytes"),
    ('{"x": "\\u0000"}', "NUL character"),
])
def test_start_data_beyond_the_limits_is_a_clear_error_and_starts_nothing(app, data, said):
    before = _counts(app)
    result = _run(app, "instance", "start", "review", "--key", "k1", "--data", data)
    _clear(result)
    assert result.exit_code == 1 and said in result.output
    assert _counts(app) == before


@settings(WEB, max_examples=25)
@given(st.one_of(raw_json_texts(), st.dictionaries(st.sampled_from(["note", "target", "x", "k" * 70]), json_values,
                                                   max_size=3).map(lambda d: json.dumps({**START, **d}))))
def test_instance_start_answers_any_data_with_a_clear_error_or_an_instance(app, data):
    before = _counts(app)
    result = _run(app, "instance", "start", "review", "--key", f"k{before[0]}", "--data", data)
    _clear(result)
    if result.exit_code == 1:
        assert _counts(app) == before


@settings(WEB, max_examples=25)
@given(st.one_of(raw_json_texts(), st.fixed_dictionaries({}, optional={
    "target": st.one_of(st.integers(-10, 200), json_values), "note": json_values, "extra": json_values}
).map(json.dumps)))
def test_task_complete_answers_any_data_with_a_clear_error_or_a_completion(app, data):
    from webui.extensions import db
    started = _run(app, "instance", "start", "review", "--key", f"t{_counts(app)[0]}", "--data", json.dumps(START))
    instance_id = int(started.output.strip())
    with app.app_context():
        task_id = db.session.execute(select(HumanTask.id).where(HumanTask.instance_id == instance_id)).scalar_one()
        version = db.session.get(Instance, instance_id).version  # type: ignore[union-attr]
    before = _counts(app)
    result = _run(app, "task", "complete", str(task_id), "--actor", "ani", "--data", data)
    _clear(result)
    if result.exit_code == 1:
        with app.app_context():
            assert db.session.get(Instance, instance_id).version == version  # type: ignore[union-attr]
        assert _counts(app) == before
