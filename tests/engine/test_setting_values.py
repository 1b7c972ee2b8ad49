"""Settings are read strictly: a wrong value is refused with a sentence naming its variable, never half-used."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.config import load_config
from engine.setting_values import SettingInvalid


@pytest.mark.parametrize(("name", "raw", "words"), [
    ("SCRIPT_TIMEOUT_SECONDS", "nan", "not a finite number"),  # NaN compares false: the limit would be off
    ("SCRIPT_TIMEOUT_SECONDS", "inf", "not a finite number"),
    ("SCRIPT_TIMEOUT_SECONDS", "-1", "above zero"),
    ("SCRIPT_TIMEOUT_SECONDS", "0", "above zero"),
    ("WORKER_BATCH_SIZE", "abc", "not a whole number"),
    ("WORKER_BATCH_SIZE", "2.5", "not a whole number"),
    ("MAX_INSTANCE_DATA_BYTES", "-4096", "above zero"),
    ("TIMER_MIN_SECONDS", "", "not a number"),
    ("WORKER_RETRY_LIMIT", "-1", "at least 0"),
    ("JPT_APPRAISER", "bupati", "one of wali_kota, sekda"),
])
def test_a_wrong_engine_setting_is_refused_naming_its_variable(monkeypatch, tmp_path, name, raw, words):
    monkeypatch.setenv(f"KINERJA_{name}", raw)
    with pytest.raises(SettingInvalid) as refused:
        load_config({"INSTANCE_PATH": str(tmp_path)})
    assert f"KINERJA_{name}=" in str(refused.value) and words in str(refused.value)


def test_good_values_are_read_with_their_types(monkeypatch, tmp_path):
    monkeypatch.setenv("KINERJA_SCRIPT_TIMEOUT_SECONDS", " 1.5 ")
    monkeypatch.setenv("KINERJA_WORKER_RETRY_LIMIT", "0")
    config = load_config({"INSTANCE_PATH": str(tmp_path)})
    assert config["SCRIPT_TIMEOUT_SECONDS"] == 1.5 and config["WORKER_RETRY_LIMIT"] == 0


@settings(max_examples=60, deadline=None)
@given(raw=st.one_of(st.text(max_size=12), st.floats(allow_nan=True).map(repr), st.integers().map(str)))
def test_any_text_is_a_usable_value_or_a_refusal_naming_the_variable(raw):
    import os
    from unittest import mock
    for name in ("SCRIPT_TIMEOUT_SECONDS", "WORKER_BATCH_SIZE"):
        if "\x00" in raw:
            continue  # the environment cannot hold a NUL
        with mock.patch.dict(os.environ, {f"KINERJA_{name}": raw, "KINERJA_DATABASE_URL": "sqlite://"}):
            try:
                value = load_config()[name]
            except SettingInvalid as refused:
                assert str(refused).startswith(f"KINERJA_{name}=")
            else:
                assert math.isfinite(value) and value > 0
