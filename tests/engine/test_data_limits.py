"""The data limits themselves: JSON parsed within them, values judged by size, depth, key length and finiteness."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.data_limits import DataLimits, DataTooLarge, check_data, data_limits, parse_json, set_data_limits
from engine.errors import FormInvalid


def _codes(refused: pytest.ExceptionInfo[FormInvalid]) -> list[tuple[str, str]]:
    return [(item["path"], item["code"]) for item in refused.value.items]


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 50_000, "[" * 33 + "]" * 33,
                                  '{"a": ' + "[" * 40 + "]" * 40 + "}"])
def test_deep_json_is_refused_clearly_however_deep(text):
    with pytest.raises(FormInvalid) as refused:
        parse_json(text, "body")
    assert refused.value.items[0]["code"] == "too_deep"
    assert "nested deeper than 32 levels" in refused.value.items[0]["message"]


def test_json_nested_up_to_the_limit_is_read():
    assert parse_json("[" * 32 + "]" * 32) is not None


@pytest.mark.parametrize("text", ['{"x": NaN}', '{"x": Infinity}', '{"x": -Infinity}', '{"x": [1e999]}', "-1e400"])
def test_non_finite_numbers_are_refused_when_json_is_read(text):
    with pytest.raises(FormInvalid) as refused:
        parse_json(text)
    assert refused.value.items[0]["code"] == "not_finite"


def test_long_keys_are_refused_with_their_path():
    with pytest.raises(FormInvalid) as refused:
        parse_json(json.dumps({"rhk": [{"k" * 201: 1}]}))
    assert _codes(refused) == [("rhk/0", "key_too_long")]
    assert "201 characters long; at most 200" in refused.value.items[0]["message"]
    assert parse_json(json.dumps({"k" * 200: 1})) == {"k" * 200: 1}


@pytest.mark.parametrize("text", [b"\xff\xfe{", "{'a': 1}", "", "[1, 2", '{"a": 1} trailing'])
def test_text_that_is_not_json_is_refused_clearly(text):
    with pytest.raises(FormInvalid) as refused:
        parse_json(text)
    assert refused.value.items[0]["code"] == "invalid_format"


def test_a_variable_over_its_size_is_named_with_its_size():
    with pytest.raises(FormInvalid) as refused:
        check_data({"small": "s", "big": "é" * 200_000})
    assert _codes(refused) == [("big", "too_large")]
    assert "variable 'big' is 400,002 bytes of JSON; at most 262,144" in refused.value.items[0]["message"]


def test_variables_each_small_but_together_too_large_are_refused_as_a_whole():
    with pytest.raises(DataTooLarge) as refused:
        check_data({f"v{i}": "x" * 200_000 for i in range(25)})
    assert refused.value.code == "data_too_large" and "4,194,304 bytes" in refused.value.message


def test_limits_follow_the_settings_and_refuse_nonsense():
    before = data_limits()
    try:
        set_data_limits(DataLimits(variable_bytes=10))
        with pytest.raises(FormInvalid):
            check_data({"a": "x" * 20})
        for wrong in (0, -1, True, 2.5):
            with pytest.raises(ValueError):
                set_data_limits(DataLimits(depth=wrong))  # type: ignore[arg-type]
    finally:
        set_data_limits(before)
    check_data({"a": "x" * 20})


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=250), inner,
                                                                               max_size=4), max_leaves=40)


@settings(max_examples=60, deadline=None)
@given(JSON, st.integers(min_value=0, max_value=60))
def test_any_json_text_is_read_within_the_limits_or_refused_clearly(value, wrap):
    text = "[" * wrap + json.dumps(value) + "]" * wrap
    try:
        parsed = parse_json(text)
    except FormInvalid as refused:
        assert refused.items and all(item["message"] for item in refused.items)
        return
    # Whatever is read is JSON again (no NaN, no infinity) and stays within the depth and key limits.
    assert json.loads(json.dumps(parsed, allow_nan=False)) == parsed
