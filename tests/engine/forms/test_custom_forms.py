"""Custom forms (formKey without formData): JSON Schema refusals by path, the domain check, unknown keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jsonschema.exceptions import SchemaError

from engine.errors import FormInvalid
from engine.forms import custom as custom_forms

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
        "_form": ["additionalProperties"], "items.0.id": ["type"], "items.0.amount": ["minimum"],
        "items.1.id": ["required"]}
    assert refused.value.code == "form_invalid"


def test_valid_data_reaches_the_domain_check_which_may_refuse_too():
    seen = []

    def check(session, instance_id, data):
        seen.append((session, instance_id, data))
        if data["items"][0]["id"] == 13:
            raise FormInvalid({"items.0.id": [{"code": "unknown_record", "message": "no item 13"}]})

    custom_forms.register("budget", SCHEMA, check)
    custom_forms.validate("db", "budget", 7, {"items": [{"id": 1, "amount": 5}]})
    assert seen == [("db", 7, {"items": [{"id": 1, "amount": 5}]})]
    with pytest.raises(FormInvalid) as refused:
        custom_forms.validate("db", "budget", 7, {"items": [{"id": 13, "amount": 5}]})
    assert list(refused.value.errors) == ["items.0.id"]
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
