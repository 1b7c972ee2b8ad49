"""The stable codes of form errors, and how JSON Schema's validator names map onto them.

A client (the web, a script reading the CLI's JSON) shows its own words per code, so the set is small,
documented in docs/engine.md and never renamed. Domain checks may add codes of their own (documented
with the forms that use them, e.g. `unknown_record`).
"""

from __future__ import annotations

from typing import Any

#: code → what it means (docs/engine.md lists the same).
CODES = {
    "required": "a value is needed and none (or only blanks) was given",
    "too_short": "the text is shorter than the form allows",
    "too_long": "the text is longer than the form allows",
    "below_minimum": "the number or date is below the lowest allowed",
    "above_maximum": "the number or date is above the highest allowed",
    "too_few_items": "the list (or set of entries) has fewer items than needed",
    "too_many_items": "the list (or set of entries) has more items than allowed",
    "not_in_choices": "the value is not one of the choices of the field",
    "invalid_type": "the value has the wrong kind (text, number, true/false, list, object)",
    "invalid_number": "the value is not a whole number",
    "invalid_boolean": "the value is not true or false",
    "invalid_date": "the value is not a date in the form YYYY-MM-DD",
    "invalid_format": "the text does not have the expected form (e.g. a link, an 18-digit NIP)",
    "duplicate": "the same item is given twice",
    "unknown_field": "the form has no such field",
    "invalid": "the value breaks a rule of the form that no other code names",
    # The data limits every value meets, form or not (engine.data_limits).
    "too_large": "the value is larger than a variable may be (KINERJA_MAX_VARIABLE_BYTES)",
    "too_deep": "lists and objects are nested deeper than allowed (KINERJA_MAX_DATA_DEPTH)",
    "key_too_long": "a key of an object is longer than allowed (KINERJA_MAX_DATA_KEY_LENGTH)",
    "not_finite": "the number is NaN or infinite, which JSON cannot hold",
}

_JSON_SCHEMA = {
    "required": "required", "minLength": "too_short", "maxLength": "too_long",
    "minimum": "below_minimum", "exclusiveMinimum": "below_minimum",
    "maximum": "above_maximum", "exclusiveMaximum": "above_maximum",
    "minItems": "too_few_items", "minProperties": "too_few_items", "minContains": "too_few_items",
    "maxItems": "too_many_items", "maxProperties": "too_many_items", "maxContains": "too_many_items",
    "enum": "not_in_choices", "const": "not_in_choices", "type": "invalid_type",
    "pattern": "invalid_format", "format": "invalid_format", "uniqueItems": "duplicate",
    "additionalProperties": "unknown_field", "unevaluatedProperties": "unknown_field",
}


def from_json_schema(validator: str, instance: Any) -> str:
    """Return the stable code of a JSON Schema error (a blank text is `required`, not a bad pattern)."""
    if validator in ("pattern", "minLength") and isinstance(instance, str) and not instance.strip():
        return "required"
    return _JSON_SCHEMA.get(validator, "invalid")
