"""Adversarial scripts against the sandbox's bounds: long C-level calls, memory, the clean-up, hidden amplifiers.

Each hostile script must end with a clear error (refused at validation, refused at run time, stopped),
never run on: the time budget cannot interrupt a single C-level call, so the size guards must refuse it
before it starts.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import sandbox
from engine.sandbox import (
    LIMITS,
    MAX_SEQUENCE_LENGTH,
    SandboxEnvironment,
    SandboxViolation,
    ScriptMemoryExceeded,
    ScriptRefused,
    TaskDataInvalid,
    check_source,
    register_function,
)

#: Values a script receives as task data, so that the hostile sizes are only known at run time.
DATA = {"GIGA": 10 ** 9, "E": 2 ** 4000, "BIG": "a" * MAX_SEQUENCE_LENGTH, "TEN": 10}


def execute(script: str, **data: Any) -> dict[str, Any]:
    context = {**DATA, **data}
    SandboxEnvironment().execute(script, context)
    return context


# --- long C-level calls: refused before they start ----------------------------------------------------


@pytest.mark.parametrize("script, fragment", [
    ("x = pow(3, E, E - 1)", "pow() with three arguments"),
    ("x = '%' + str(GIGA) + 'd'\ny = x % 1", "'%' formatting"),
    ("x = '%*d' % (GIGA, 1)", "'%' formatting"),
    ("x = '%.*f' % (GIGA, 1.0)", "'%' formatting"),
    ("x = '%999999d' * 100\ny = x % tuple(range(100))", "'%' formatting"),
    ("x = f'{1:{GIGA}}'", "the format"),
    ("x = f'{1.5:.{GIGA}f}'", "the format"),
    ("x = 'x' * GIGA", "the result of '*'"),
    ("x = [0] * GIGA", "the result of '*'"),
    ("x = TEN ** (TEN ** 8)", "the result of '**'"),
    ("x = 1 << GIGA", "the result of '<<'"),
    ("x = 'ab'.center(GIGA)", "str.center()"),
    ("x = 'ab'.ljust(GIGA)", "str.ljust()"),
    ("x = str.rjust('ab', GIGA)", "str.rjust()"),
    ("x = '7'.zfill(GIGA)", "str.zfill()"),
    ("x = ('\\t' * 1000).expandtabs(GIGA)", "str.expandtabs()"),
    ("x = BIG.replace('', 'bb')", "str.replace()"),
    ("x = BIG.replace('a', 'bb')", "str.replace()"),
    ("x = BIG.translate({97: 'bbbb'})", "str.translate()"),
    ("x = ','.join([BIG] * 1000)", "str.join()"),
    ("x = str.join(',', [BIG, BIG])", "str.join()"),
    ("x = list(BIG)\nx.extend(x)", "list.extend()"),
    ("x = TEN.to_bytes(GIGA, 'big')", "int.to_bytes()"),
    ("x = str([list(range(10 ** 6))] * 10 ** 6)", "str()"),
    ("x = repr([BIG] * 1000)", "repr()"),
    ("x = f'{[BIG] * 1000}'", "an f-string"),
    ("x = f'{[BIG] * 1000!r}'", "an f-string"),
    ("x = '%s' % ([BIG] * 1000,)", "'%' formatting"),
    ("print([BIG] * 1000)", "print()"),
    ("x = sum([[0] * 1000] * 1000, [])", "sum() adds numbers"),
    ("x = round(5, -GIGA)", "round()"),
    ("x = list(zip(*[list(BIG)] * 100000))", "zip()"),
    ("x = ('a' * 100000).encode('punycode')", "the encoding 'punycode'"),
    ("x = str.encode(BIG, 'idna')", "the encoding 'idna'"),
    ("x = str(b'abc', 'punycode')", "the encoding 'punycode'"),
    ("t = (0,)\nfor i in range(60):\n    t = (t, t)\nx = hash(t)", "hash()"),
])
def test_amplifying_operation_is_refused_before_it_runs(script: str, fragment: str) -> None:
    context = {**DATA}
    with pytest.raises(SandboxViolation) as refused:  # refused, not stopped by a (generous) time budget
        SandboxEnvironment(step_budget_seconds=60).execute(script, context)
    assert fragment in str(refused.value)


@pytest.mark.parametrize("script, fragment", [
    ("x = pow(3, 2 ** 4000, 2 ** 4000 - 1)", "pow() with three arguments"),
    ("x = 2 ** 99990", "the result of '**'"),
    ("x = '%300000000d' % 1", "'%' formatting"),
    ("x = f'{1:300000000}'", "the format '300000000'"),
    ("x = f'{1.5:.300000000f}'", "the format"),
    ("x = 'x' * 10 ** 9", "the result of '*'"),
    ("x = [0] * 10 ** 9", "the result of '*'"),
    ("x = 10 ** 10 ** 8", "the result of '**'"),
    ("x = 1 << 10 ** 9", "the result of '<<'"),
    ("x = 'x'.ljust(10 ** 9)", "str.ljust()"),
    ("x = '\\t'.expandtabs(10 ** 9)", "str.expandtabs()"),
    ("x = (1).to_bytes(10 ** 9, 'big')", "int.to_bytes()"),
    ("x = round(5, -10 ** 9)", "round()"),
])
def test_constant_that_cannot_be_bounded_is_refused_at_validation(script: str, fragment: str) -> None:
    [(line, message)] = check_source("ok = 1\n" + script, "exec")
    assert line == 2
    assert "constant expression" in message and fragment in message
    with pytest.raises(ScriptRefused):  # and never runs
        SandboxEnvironment().execute("ok = 1\n" + script, {})


def test_ordinary_uses_of_the_guarded_operations_still_work() -> None:
    data = execute(
        "a = '%d of %s (%5.1f%%)' % (3, 'ok', 42.0)\n"
        "b = f'{3.14159:.2f}|{\"x\":>4}|{[1, 2]!r}|{TEN}'\n"
        "c = ', '.join(['a', 'b']) + str.join('-', ['c', 'd'])\n"
        "d = 'a-b'.replace('-', '+').center(7, '*').zfill(9)\n"
        "e = pow(3, 200, 7) + 17 % 5 + sum([1, 2, 3])\n"
        "f = str(12) + repr('q') + str(b'x', 'ascii')\n"
        "g = isinstance('s', str) and not isinstance(1, str)\n"
        "h = [1]\nh.extend([2])\n"
        "i = hash((1, 2)) == hash((1, 2)) and list(zip([1, 2], 'ab')) == [(1, 'a'), (2, 'b')]\n"
        "j = [round(1234, -2), round(2.567, 2), round(2.5)]\n"
        "k = 'é'.encode('utf-8').decode('utf-8') + str(b'ok', encoding='ascii')")
    assert data["a"] == "3 of ok ( 42.0%)"
    assert data["b"] == "3.14|   x|[1, 2]|10"
    assert data["c"] == "a, bc-d"
    assert data["d"] == "00**a+b**"
    assert data["e"] == pow(3, 200, 7) + 2 + 6
    assert data["f"] == "12'q'x"
    assert data["g"] is True and data["h"] == [1, 2] and data["i"] is True
    assert data["j"] == [1200, 2.57, 2] and data["k"] == "éok"


@settings(max_examples=40, deadline=None)
@given(width=st.integers(min_value=0, max_value=3 * MAX_SEQUENCE_LENGTH),
       kind=st.sampled_from(["'%{w}d' % 1", "f'{{1:{w}}}'", "'a'.ljust({w})", "'a' * {w}", "[0] * {w}"]))
def test_a_width_either_builds_within_the_bound_or_is_refused(width: int, kind: str) -> None:
    script = "x = " + kind.format(w=width)
    problems = check_source(script, "exec")
    if width > MAX_SEQUENCE_LENGTH:
        assert problems and "cannot run" in problems[0][1]
    else:
        assert problems == []
        assert len(execute(script)["x"]) <= MAX_SEQUENCE_LENGTH


# --- the clean-up after a script is bounded by size ---------------------------------------------------


@pytest.mark.parametrize("script", [
    "a = [0]\nfor i in range(60):\n    a = [a, a]",
    "a = {'k': 0}\nfor i in range(60):\n    a = {'l': a, 'r': a}",
    "a = (0,)\nfor i in range(60):\n    a = (a, a)",
    "row = [0] * 100000\na = [row] * 1000",
])
def test_shared_references_blow_up_is_refused_as_too_large(script: str) -> None:
    context: dict[str, Any] = {"kept": 1}
    with pytest.raises(TaskDataInvalid, match="'a' is too large to store"):
        SandboxEnvironment().execute(script + "\nsmall = 2", context)
    # Dropped, so the failed step can still be saved; the rest is kept.
    assert "a" not in context and context["kept"] == 1 and context["small"] == 2


def test_the_clean_up_bound_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "data_bytes", 1000)
    assert execute("a = 'x' * 900")["a"] == "x" * 900
    with pytest.raises(TaskDataInvalid, match="at most 1000 bytes"):
        execute("a = 'x' * 1100")


def test_a_structure_that_contains_itself_is_named() -> None:
    with pytest.raises(TaskDataInvalid, match=r"'a\[2\]' contains itself"):
        execute("a = [1, 2]\na.append(a)")


# --- memory --------------------------------------------------------------------------------------------


@pytest.mark.skipif(sandbox.budget.resident_bytes() is None, reason="needs /proc/self/statm")
def test_a_script_growing_memory_past_its_cap_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "memory_mb", 32)
    context: dict[str, Any] = {}
    with pytest.raises(ScriptMemoryExceeded, match="more than 32 MiB"):
        SandboxEnvironment(step_budget_seconds=60).execute(
            "a = []\nwhile True:\n    a.append('x' * 100000 + str(len(a)))", context)
    assert "a" not in context
    assert execute("b = 'still works'")["b"] == "still works"


def test_memory_exhaustion_cannot_be_caught_by_the_script(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LIMITS, "memory_mb", 16)
    with pytest.raises(ScriptMemoryExceeded):
        SandboxEnvironment(step_budget_seconds=60).execute(
            "a = []\nwhile True:\n    try:\n        a.append('y' * 100000 + str(len(a)))\n"
            "    except Exception:\n        pass", {})


def test_a_huge_value_in_an_error_message_is_not_turned_into_text() -> None:
    with pytest.raises(ValueError, match="too large to show"):
        execute("raise ValueError([BIG] * 1000)")


# --- registered functions run outside the time budget's trace hook --------------------------------------


def test_registered_functions_run_untraced_and_the_budget_resumes_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox.functions, "_registry", dict(sandbox.functions._registry))
    seen: list[Any] = []
    register_function("trusted_lookup", lambda: seen.append(sys.gettrace()) or 7)
    register_function("trusted_apply", lambda fn: fn())
    assert execute("x = trusted_lookup()")["x"] == 7
    assert seen == [None]  # no trace hook while trusted code runs
    assert sys.gettrace() is None  # restored after the evaluation
    with pytest.raises(sandbox.ScriptTimeout):  # a script's own callable handed over stays traced
        SandboxEnvironment(step_budget_seconds=0.3).execute(
            "def spin():\n    while True:\n        pass\nx = trusted_apply(spin)", {})
