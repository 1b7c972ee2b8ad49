"""The script sandbox: ordinary scripts run, hostile ones are refused and never take effect."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from engine import sandbox
from engine.sandbox import (
    MAX_SEQUENCE_LENGTH,
    SandboxEnvironment,
    SandboxViolation,
    ScriptRefused,
    ScriptTimeout,
    TaskDataInvalid,
    budget,
    check_source,
    date_add,
    days_between,
    register_function,
    registered_functions,
)


def run(script: str, **data: Any) -> dict[str, Any]:
    """Execute script over data in a fresh sandbox and return the resulting task data."""
    SandboxEnvironment().execute(script, data)
    return data


# --- ordinary scripts -------------------------------------------------------------------------------


def test_ordinary_script_updates_task_data() -> None:
    data = run(
        "total = sum(scores)\n"
        "count = 0\n"
        "for score in scores:\n"
        "    count += 1\n"
        "average = round(total / len(scores), 2)\n"
        "high = [s for s in scores if s >= 4]\n"
        "by_name = {r['name']: r['score'] for r in raters}\n"
        "summary = {'best': max(scores), 'worst': min(scores), 'sorted': sorted(scores)}\n"
        "summary['flags'] = [any(high), all(high)]\n"
        "label = f'{employee} scored {average:.1f}'\n"
        "pairs = [[i, s] for i, s in enumerate(scores)]\n"
        "first, second = scores[0], scores[1]\n"
        "raters.append({'name': 'c', 'score': 1})\n",
        scores=[3, 4, 5], employee="Ani", raters=[{"name": "a", "score": 4}, {"name": "b", "score": 2}])
    assert data["total"] == 12 and data["count"] == 3 and data["average"] == 4.0
    assert data["high"] == [4, 5]
    assert data["by_name"] == {"a": 4, "b": 2}
    assert data["summary"] == {"best": 5, "worst": 3, "sorted": [3, 4, 5], "flags": [True, True]}
    assert data["label"] == "Ani scored 4.0"
    assert data["pairs"] == [[0, 3], [1, 4], [2, 5]]
    assert (data["first"], data["second"]) == (3, 4)
    assert data["raters"][-1] == {"name": "c", "score": 1}


def test_functions_and_builtins_do_not_stay_in_task_data() -> None:
    data = run("double = lambda x: x * 2\ndef triple(x):\n    return x * 3\nvalue = double(2) + triple(1)\n"
               "print('debug output is discarded')")
    assert data == {"value": 7}


def test_tuples_are_stored_as_lists_and_other_objects_are_refused() -> None:
    assert run("point = (1, (2, 3))")["point"] == [1, [2, 3]]
    data: dict[str, Any] = {"kept": 1}
    with pytest.raises(TaskDataInvalid, match=r"'groups' holds a set.*sorted"):
        SandboxEnvironment().execute("groups = {'a', 'b'}\nother = 2", data)
    assert data == {"kept": 1, "other": 2}  # the set is dropped so the workflow can still be saved
    with pytest.raises(TaskDataInvalid, match="keys in task data must be strings"):
        run("counts = {1: 'one'}")
    with pytest.raises(TaskDataInvalid, match="JSON cannot store"):
        run("ratio = float('nan')")


def test_registered_function_and_extra_globals_are_callable(monkeypatch: pytest.MonkeyPatch) -> None:
    # Keep the global registry clean.
    monkeypatch.setattr(sandbox.functions, "_registry", dict(sandbox.functions._registry))
    register_function("kpi_weight", lambda level: {"staff": 1, "head": 2}[level])
    assert "kpi_weight" in registered_functions()
    env = SandboxEnvironment(extra_globals={"unit_name": lambda: "Dinas Kominfo"})
    data: dict[str, Any] = {"level": "head"}
    env.execute("weight = kpi_weight(level)\nunit = unit_name()", data)
    assert data == {"level": "head", "weight": 2, "unit": "Dinas Kominfo"}
    with pytest.raises(ValueError, match="overwrites a predefined function"):
        env.execute("x = 1", {"kpi_weight": 3})
    with pytest.raises(ValueError):
        register_function("_hidden", len)
    with pytest.raises(ValueError):
        register_function("len", len)


def test_date_helpers_use_iso_strings() -> None:
    data = run("due = date_add(start, 14)\nspan = days_between(start, due)\nlater = date_add(moment, -1)",
               start="2024-02-20", moment="2024-03-01T08:00:00+08:00")
    assert data["due"] == "2024-03-05" and data["span"] == 14
    assert data["later"] == "2024-02-29T08:00:00+08:00"
    assert date_add("2024-12-31", 1) == "2025-01-01"
    assert days_between("2024-03-05", "2024-03-01T23:00:00") == -4
    assert len(run("today = today_iso()\nnow = now_iso()")["today"]) == 10


def test_evaluate_reads_task_data_and_external_context() -> None:
    env = SandboxEnvironment()
    data = {"score": 4, "raters": [{"done": True}, {"done": False}]}
    assert env.evaluate("score >= 4 and len(raters) == 2", data) is True
    assert env.evaluate("any(r['done'] for r in raters)", data) is True
    assert env.evaluate("  2 <= dmninputexpr < 4", data, {"dmninputexpr": 3}) is True
    assert env.evaluate("'P%dD' % score", data) == "P4D"
    assert env.evaluate("(r['done'] for r in raters)", data) == [True, False]  # consumed inside the budget
    assert data == {"score": 4, "raters": [{"done": True}, {"done": False}]}
    with pytest.raises(NameError):
        env.evaluate("missing > 1", data)


def test_compiled_code_is_cached() -> None:
    assert sandbox._compile("score >= 4", "eval") is sandbox._compile("score >= 4", "eval")


# --- refused at compile time ------------------------------------------------------------------------


@pytest.mark.parametrize("source, fragment", [
    ("import os", "import statements are not allowed"),
    ("from os import path", "import statements are not allowed"),
    ("x = __import__('os')", '"__import__" is an invalid variable name'),
    ("x = ().__class__.__base__.__subclasses__()", '"__class__" is an invalid attribute name'),
    ("x = data._private", '"_private" is an invalid attribute name'),
    ("_hidden = 1", '"_hidden" is an invalid variable name'),
    ("x = __builtins__", '"__builtins__" is an invalid variable name'),
    ("exec('x = 1')", "Exec calls are not allowed"),
    ("x = eval('1')", "Eval calls are not allowed"),
    ("class Evil:\n    pass", "class definitions are not allowed"),
    ("def gen():\n    yield 1", "generator functions"),
    ("try:\n    x = 1\nfinally:\n    x = 2", "'finally' blocks are not allowed"),
    ("try:\n    x = 1\nexcept pick():\n    x = 2", "except clause may only name exception classes"),
    ("x = f'{data.__class__}'", '"__class__" is an invalid attribute name'),
    ("x = (i for i in data).gi_frame", '"gi_frame" is a restricted name'),
])
def test_hostile_source_is_refused_at_compile_time(source: str, fragment: str, tmp_path: Path) -> None:
    problems = check_source(source, "exec")
    assert problems and any(fragment in message for _, message in problems)
    data: dict[str, Any] = {"data": {}}
    with pytest.raises(ScriptRefused) as refused:
        SandboxEnvironment().execute(source, data)
    assert fragment in refused.value.message and isinstance(refused.value.line, int)
    assert "x" not in data


def test_refused_import_never_runs(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    script = f"import os\nos.system('touch {target}')"
    with pytest.raises(ScriptRefused):
        run(script)
    assert not target.exists()


def test_check_source_reports_line_numbers() -> None:
    assert check_source("x = 1\ny = x + 1", "exec") == []
    assert check_source("a = 1\nb = 2\nimport os\nc = a.__dict__", "exec") == [
        (3, "import statements are not allowed in process scripts; use the helper functions the "
            "application provides"),
        (4, '"__dict__" is an invalid attribute name because it starts with "_".'),
    ]
    line, message = check_source("x = (1 +\n", "exec")[0]
    assert line == 1 and message.startswith("SyntaxError")
    assert check_source("score >= 4", "eval") == []
    assert check_source("x = 1", "eval")[0][0] == 1
    refused = ScriptRefused("m", 3)
    assert refused.lineno == 3 and str(refused) == "line 3: m"


# --- refused at run time ----------------------------------------------------------------------------


def test_open_is_refused_and_creates_no_file(tmp_path: Path) -> None:
    target = tmp_path / "x"
    with pytest.raises(SandboxViolation, match=r"open\(\) is not available"):
        run(f"f = open({str(target)!r}, 'w')\nf.write('owned')")
    assert not target.exists()


@pytest.mark.parametrize("source, fragment", [
    ("x = getattr(data, '__class__')", "getattr() is not available"),
    ("x = '{0.__class__}'.format(data)", "str.format() is not available"),
    ("x = str.format('{0.__class__}', data)", "str.format() is not available"),
    ("x = type(data)", "type() is not available"),
    ("x = globals()", "globals() is not available"),
    ("x = vars()", "vars() is not available"),
    ("x = dir(data)", "dir() is not available"),
    ("x = Exception.mro()", "the attribute 'mro'"),
    ("x = 'a' * GIGA", "the result of '*'"),
    ("x = [0] * (MAX + 1)", "the result of '*'"),
    ("x = 10 ** (GIGA // 10)", "the result of '**'"),
    ("x = pow(10, GIGA // 10)", "the result of '**'"),
    ("x = 1 << GIGA", "the result of '<<'"),
    ("x = 'a' * 1000\nwhile True:\n    x += x", "the result of '+='"),
    ("x = list(range(10 ** 9))", "range() may not be longer"),
])
def test_hostile_construct_is_refused_at_run_time(source: str, fragment: str) -> None:
    data: dict[str, Any] = {"data": [], "MAX": MAX_SEQUENCE_LENGTH, "GIGA": 10 ** 9}
    with pytest.raises(SandboxViolation) as refused:
        SandboxEnvironment().execute(source, data)
    assert fragment in str(refused.value)
    assert len(data.get("x", "")) <= MAX_SEQUENCE_LENGTH


def test_only_dicts_and_lists_can_be_written() -> None:
    with pytest.raises(TypeError):
        run("def f():\n    return 1\nf.hook = 2")
    assert run("d = {}\nd['a'] = [0]\nd['a'][0] = 1\ndel d['a'][0]")["d"] == {"a": []}


def test_forbidden_builtins_are_absent_and_system_exit_cannot_be_raised() -> None:
    for name in ("SystemExit", "KeyboardInterrupt", "BaseException"):
        with pytest.raises(NameError):
            run(f"raise {name}()")
    with pytest.raises(SandboxViolation, match=r"iter\(\) is not available"):
        run("x = iter([1])")


# --- time budget ------------------------------------------------------------------------------------


class _TickingClock:
    """A clock that moves 10 ms each time it is read: a budget runs out after a known number of steps."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 0.01
        return self.now


@pytest.fixture
def ticking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the budget on the ticking clock, so the tests below do not depend on the machine's speed."""
    monkeypatch.setattr(budget, "time", _TickingClock())


# Finite but long enough to outlast any budget on the ticking clock: without the budget (or with a way
# around it) they would finish, and the test would fail instead of hanging.
@pytest.mark.parametrize("script", [
    "n = 0\nwhile n < 10 ** 5: n += 1",
    "for i in range(10 ** 5): pass",
    "for i in range(400):\n    for j in range(400):\n        pass",
    "x = [1 for i in range(400) for j in range(400)]",
    "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(16)",
    "for k in range(3):\n    try:\n        for i in range(10 ** 5): pass\n    except:\n        pass",
    "for k in range(3):\n    try:\n        for i in range(10 ** 5): pass\n    except Exception:\n        pass",
    "for k in range(3):\n    try:\n        try:\n            for i in range(10 ** 5): pass\n"
    "        except nothing:\n            pass\n    except Exception:\n        pass",
])
def test_runaway_code_is_stopped_by_the_budget_and_cannot_catch_the_stop(ticking: None, script: str) -> None:
    with pytest.raises(ScriptTimeout, match=r"longer than its time budget of 0\.5 s and was stopped"):
        SandboxEnvironment(step_budget_seconds=0.5).execute(script, {"nothing": 5})


def test_recursion_error_cannot_be_caught_to_escape_the_budget() -> None:
    # A RecursionError raised inside the trace hook removes it; catching it must not let the script run on
    # untraced (it would then finish its loop and return normally).
    script = ("def dive(n):\n    try:\n        return dive(n + 1)\n    except Exception:\n        pass\n"
              "    for i in range(10 ** 5):\n        pass\nx = dive(0)")
    with pytest.raises((RecursionError, ScriptTimeout)):
        SandboxEnvironment(step_budget_seconds=5).execute(script, {})


def test_the_default_budget_is_two_seconds(ticking: None) -> None:
    with pytest.raises(ScriptTimeout, match="time budget of 2 s"):
        run("n = 0\nfor i in range(10 ** 5):\n    n += 1")


def test_runaway_expression_stops() -> None:
    with pytest.raises(ScriptTimeout):
        SandboxEnvironment(step_budget_seconds=0.3).evaluate(
            "sum(1 for i in range(10 ** 6) for j in range(10 ** 6)) > 0", {})


def test_previous_trace_function_is_restored() -> None:
    def tracer(frame: Any, event: str, arg: Any) -> Any:
        return None
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        run("x = 1")
        with pytest.raises(ScriptTimeout):
            SandboxEnvironment(step_budget_seconds=0.1).execute("while True: pass", {})
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


def test_time_budget_follows_the_setting(ticking: None) -> None:
    from engine.sandbox import SandboxEnvironment, ScriptTimeout, set_time_budget
    set_time_budget(0.3)
    try:
        env = SandboxEnvironment()
        assert env.step_budget_seconds == 0.3
        with pytest.raises(ScriptTimeout, match=r"time budget of 0\.3 s"):
            env.execute("for i in range(10 ** 5):\n    pass", {}, {})
    finally:
        set_time_budget(2.0)


def test_value_of_reads_a_variable_or_its_default() -> None:
    data = run("batas = value_of('batas_skp', '2027-01-31')\nperiode = value_of('periode', 'P3M')", periode="P1M")
    assert (data["batas"], data["periode"]) == ("2027-01-31", "P1M")
    assert "value_of" not in data
    assert SandboxEnvironment().evaluate("value_of('x', 3) + value_of('y', 0)", {"y": 4}) == 7
    with pytest.raises(ValueError, match="value_of"):
        SandboxEnvironment().execute("a = 1", {"value_of": 1})
