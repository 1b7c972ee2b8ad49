"""Custom forms (formKey without formData): JSON Schema refusals by path, the domain check, unknown keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jsonschema.exceptions import SchemaError

from engine.errors import FormInvalid
from engine.forms import custom as custom_forms
from engine.forms.codes import CODES

SCHEMA = {"type": "object", "additionalProperties": False, "required": ["items"], "properties": {
    "items": {"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["id", "amount"], "properties": {
            "id": {"type": "integer"}, "amount": {"type": "number", "minimum": 0}}}}}}


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(custom_forms, "_REGISTRY", {})
    yield


def test_every_schema_error_is_reported_by_path_with_its_code():
    custom_forms.register("budget", SCHEMA)
    with pytest.raises(FormInvalid) as refused:
        custom_forms.validate(None, "budget", 1, {"items": [{"id": "x", "amount": -1}, {"amount": 2}], "extra": 1})
    errors = refused.value.errors
    assert {path: [e["code"] for e in found] for path, found in errors.items()} == {
        "extra": ["unknown_field"], "items/0/id": ["invalid_type"], "items/0/amount": ["below_minimum"],
        "items/1/id": ["required"]}
    assert refused.value.code == "form_invalid"


def test_valid_data_reaches_the_domain_check_which_may_refuse_too():
    seen = []

    def check(session, instance_id, data):
        seen.append((session, instance_id, data))
        if data["items"][0]["id"] == 13:
            raise FormInvalid({"items/0/id": [{"code": "unknown_record", "message": "no item 13"}]})

    custom_forms.register("budget", SCHEMA, check)
    custom_forms.validate("db", "budget", 7, {"items": [{"id": 1, "amount": 5}]})
    assert seen == [("db", 7, {"items": [{"id": 1, "amount": 5}]})]
    with pytest.raises(FormInvalid) as refused:
        custom_forms.validate("db", "budget", 7, {"items": [{"id": 13, "amount": 5}]})
    assert list(refused.value.errors) == ["items/0/id"]
    # A schema refusal stops before the check: the check only ever sees well-formed data.
    with pytest.raises(FormInvalid):
        custom_forms.validate("db", "budget", 7, {"items": []})
    assert len(seen) == 2


def test_unknown_keys_are_left_to_the_process_and_bad_schemas_are_refused_at_registration():
    custom_forms.validate(None, "not_registered", 1, {"anything": [1, 2]})
    assert custom_forms.schema_for("not_registered") is None
    with pytest.raises(SchemaError):
        custom_forms.register("broken", {"type": "no-such-type"})
    assert custom_forms.get("broken") is None
    custom_forms.register("budget", SCHEMA)
    assert custom_forms.schema_for("budget") == SCHEMA


TEXTS = {"type": "object", "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 5, "pattern": r"\S"},
    "tags": {"type": "array", "maxItems": 2, "uniqueItems": True, "items": {"enum": ["a", "b", "c"]}},
    "link": {"type": "string", "pattern": "^https://"},
    "either": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}}


@pytest.mark.parametrize("data, path, code", [
    ({"name": ""}, "name", "required"),
    ({"name": "   "}, "name", "required"),
    ({"name": "panjang sekali"}, "name", "too_long"),
    ({"tags": ["a", "b", "c"]}, "tags", "too_many_items"),
    ({"tags": ["a", "a"]}, "tags", "duplicate"),
    ({"tags": ["d"]}, "tags/0", "not_in_choices"),
    ({"link": "ftp://x"}, "link", "invalid_format"),
    ({"either": "x"}, "either", "invalid"),
])
def test_json_schema_errors_get_the_documented_codes(data, path, code):
    custom_forms.register("texts", TEXTS)
    with pytest.raises(FormInvalid) as refused:
        custom_forms.validate(None, "texts", 1, data)
    assert [(e["path"], e["code"]) for e in refused.value.items] == [(path, code)]
    assert code in CODES


SHOWN = {"type": "object", "additionalProperties": False, "properties": {
    "draft": {"type": "object"}, "note": {"type": ["string", "null"], "readOnly": True}}}


def test_read_only_parts_are_shown_prefilled_and_never_taken_from_a_submission():
    custom_forms.register("revise", SHOWN)
    assert custom_forms.read_only("revise") == ["note"]
    assert custom_forms.values_for("revise", {"draft": {"a": 1}, "note": "Fix it", "other": 2, "nothing": None}) == {
        "draft": {"a": 1}, "note": "Fix it"}
    form = {"key": "revise", "fields": []}
    cleaned = custom_forms.clean_submission(None, form, 1, {"draft": {"a": 2}, "note": "overwritten?"})
    assert cleaned == {"draft": {"a": 2}}
