"""Form validation on its own: types, bounds, read-only and unknown fields."""

from __future__ import annotations

import pytest

from engine.errors import FormInvalid
from engine.forms.fields import validate


def field(fid, kind, **extra):
    return {"id": fid, "label": fid, "type": kind, "default": None, "required": False, "readonly": False,
            "constraints": {}, "options": [], "properties": {}, **extra}


FORM = {"key": None, "fields": [
    field("agreed", "boolean", required=True),
    field("start", "date", constraints={"min": "2027-01-01", "max": "2027-12-31"}),
    field("score", "long", constraints={"min": 1, "max": 5}),
    field("level", "enum", options=[{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]),
    field("locked", "string", readonly=True),
]}


def test_values_are_typed():
    cleaned = validate(FORM, {"agreed": "ya", "start": "2027-02-01", "score": "4", "level": "b",
                              "locked": "ignored"})
    assert cleaned == {"agreed": True, "start": "2027-02-01", "score": 4, "level": "b"}


@pytest.mark.parametrize("data, errors", [
    ({}, {"agreed": ["required"]}),
    ({"agreed": "maybe"}, {"agreed": ["type"]}),
    ({"agreed": False, "start": "2026-12-31"}, {"start": ["min"]}),
    ({"agreed": False, "start": "2028-01-01"}, {"start": ["max"]}),
    ({"agreed": False, "score": 2.5}, {"score": ["type"]}),
    ({"agreed": False, "level": "c", "extra": 1}, {"level": ["type"], "extra": ["unknown_field"]}),
])
def test_every_error_is_reported(data, errors):
    with pytest.raises(FormInvalid) as refused:
        validate(FORM, data)
    assert {k: [e["code"] for e in v] for k, v in refused.value.errors.items()} == errors


def test_custom_form_key_passes_data_to_the_domain():
    assert validate({"key": "skp_editor", "fields": []}, {"rhk": [1, 2]}) == {"rhk": [1, 2]}
    with pytest.raises(FormInvalid):
        validate({"key": None, "fields": []}, {"anything": 1})
