"""Form validation on its own: types, bounds, read-only, conditional and unknown fields, stable codes."""

from __future__ import annotations

import pytest

from engine.errors import FormInvalid
from engine.forms.codes import CODES
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
    ({"agreed": "maybe"}, {"agreed": ["invalid_boolean"]}),
    ({"agreed": False, "start": "2026-12-31"}, {"start": ["below_minimum"]}),
    ({"agreed": False, "start": "2028-01-01"}, {"start": ["above_maximum"]}),
    ({"agreed": False, "start": "31-01-2027"}, {"start": ["invalid_date"]}),
    ({"agreed": False, "score": 2.5}, {"score": ["invalid_number"]}),
    ({"agreed": False, "score": 9}, {"score": ["above_maximum"]}),
    ({"agreed": False, "level": "c", "extra": 1}, {"level": ["not_in_choices"], "extra": ["unknown_field"]}),
])
def test_every_error_is_reported(data, errors):
    with pytest.raises(FormInvalid) as refused:
        validate(FORM, data)
    assert {k: [e["code"] for e in v] for k, v in refused.value.errors.items()} == errors


def test_custom_form_key_passes_data_to_the_domain():
    assert validate({"key": "skp_editor", "fields": []}, {"rhk": [1, 2]}) == {"rhk": [1, 2]}
    with pytest.raises(FormInvalid):
        validate({"key": None, "fields": []}, {"anything": 1})


def test_codes_are_the_documented_set_and_the_json_lists_them_by_path():
    with pytest.raises(FormInvalid) as refused:
        validate(FORM, {"agreed": "maybe", "score": 0, "level": "c"})
    listed = refused.value.to_dict()
    assert listed["code"] == "form_invalid"
    assert [(e["path"], e["code"]) for e in listed["errors"]] == [
        ("agreed", "invalid_boolean"), ("score", "below_minimum"), ("level", "not_in_choices")]
    assert all(e["code"] in CODES and e["message"] for e in listed["errors"])


NOTE_FORM = {"key": None, "fields": [
    field("decision", "enum", required=True, options=[{"id": "ok", "name": "OK"}, {"id": "back", "name": "Back"}]),
    field("note", "string", constraints={"maxlength": 10}, required_if={"field": "decision", "value": "back"}),
]}


@pytest.mark.parametrize("data, errors", [
    ({"decision": "back"}, {"note": ["required"]}),
    ({"decision": "back", "note": "  "}, {"note": ["required"]}),
    ({"decision": "back", "note": "far too long a note"}, {"note": ["too_long"]}),
])
def test_a_field_required_by_another_fields_value(data, errors):
    with pytest.raises(FormInvalid) as refused:
        validate(NOTE_FORM, data)
    assert {k: [e["code"] for e in v] for k, v in refused.value.errors.items()} == errors


def test_a_conditional_field_is_optional_otherwise():
    assert validate(NOTE_FORM, {"decision": "ok"}) == {"decision": "ok"}
    assert validate(NOTE_FORM, {"decision": "back", "note": "Fix IKI"}) == {"decision": "back", "note": "Fix IKI"}
