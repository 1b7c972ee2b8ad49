"""Custom forms: a formKey with no formData, described by a JSON Schema and checked by the domain.

A process owner names a custom form by its key (`camunda:formKey="realisasi_editor"`); the domain layer
registers what the key accepts, so a bad submission is refused as `form_invalid` before the task is
touched, exactly like a formData field, instead of failing later in a script as an incident. The web
renders the form from the same schema (`schema_for`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from sqlalchemy.orm import Session

from engine.errors import FormInvalid
from engine.forms import fields as forms

#: check(session, instance_id, data): raise FormInvalid for data the schema cannot judge (ids of records).
Check = Callable[[Session, int, dict[str, Any]], None]


@dataclass(frozen=True)
class CustomForm:
    """What one formKey accepts: a JSON Schema (2020-12) of the submitted object and an optional check."""

    key: str
    schema: dict[str, Any]
    check: Check | None
    validator: Draft202012Validator


_REGISTRY: dict[str, CustomForm] = {}


def register(key: str, schema: dict[str, Any], check: Check | None = None) -> CustomForm:
    """Register (or replace) the custom form of a key; refuse a schema that is not valid JSON Schema."""
    Draft202012Validator.check_schema(schema)
    form = CustomForm(key, schema, check, Draft202012Validator(schema))
    _REGISTRY[key] = form
    return form


def get(key: str | None) -> CustomForm | None:
    """Return the registered custom form of a key, or None."""
    return _REGISTRY.get(key) if key else None


def schema_for(key: str | None) -> dict[str, Any] | None:
    """Return the JSON Schema the web renders for a custom form key, or None when none is registered."""
    form = get(key)
    return form.schema if form else None


def clean_submission(session: Session, form: dict[str, Any], instance_id: int, data: dict[str, Any]
                     ) -> dict[str, Any]:
    """Return the cleaned data of a task's form submission, or raise FormInvalid with every error.

    Generated fields are validated as fields. A registered key validates the rest: the whole data of a
    custom form, or the keys that are not fields when the form also has fields (a generated form with a
    custom part, e.g. per-RHK ratings next to the overall rating).
    """
    custom = get(form.get("key"))
    if custom is None:
        return forms.validate(form, data)
    ids = {field["id"] for field in form["fields"]}
    extra = {key: value for key, value in data.items() if key not in ids} if ids else data
    errors: dict[str, list[dict[str, Any]]] = {}
    cleaned: dict[str, Any] = {}
    try:
        cleaned = forms.validate(form, {key: value for key, value in data.items() if key in ids} if ids else data)
    except FormInvalid as refused:
        errors.update(refused.errors)
    try:
        validate(session, custom.key, instance_id, extra, run_check=not errors)
    except FormInvalid as refused:
        errors.update(refused.errors)
    if errors:
        raise FormInvalid(errors)
    return {**cleaned, **extra}


def validate(session: Session, key: str | None, instance_id: int, data: dict[str, Any], *,
             run_check: bool = True) -> None:
    """Raise FormInvalid listing every schema error by path, then run the domain check; None when unknown."""
    form = get(key)
    if form is None:
        return
    errors: dict[str, list[dict[str, Any]]] = {}
    for error in sorted(form.validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        errors.setdefault(_path(error), []).append({"code": str(error.validator), "message": error.message})
    if errors:
        raise FormInvalid(errors)
    if form.check is not None and run_check:
        form.check(session, instance_id, data)


def _path(error: ValidationError) -> str:
    """Return the dotted path of the value in error ('realisasi.0.nilai'); a missing property is named."""
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            parts.append(str(missing[0]))
    return ".".join(parts) or "_form"
