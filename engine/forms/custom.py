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
from engine.forms.codes import from_json_schema

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


def read_only(key: str | None) -> list[str]:
    """Return the top-level properties a custom form only shows (JSON Schema `readOnly`)."""
    form = get(key)
    properties = form.schema.get("properties", {}) if form else {}
    return [name for name, sub in properties.items() if isinstance(sub, dict) and sub.get("readOnly")]


def values_for(key: str | None, data: dict[str, Any]) -> dict[str, Any]:
    """Return what a custom form shows filled in: its top-level properties that the task data holds.

    A revised draft is prefilled with the last one, a judging task shows its material (readOnly parts).
    """
    form = get(key)
    properties = form.schema.get("properties", {}) if form else {}
    return {name: data[name] for name in properties if data.get(name) is not None}


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
    # Read-only parts show material (the SKP under review, the return note): a submitted copy is dropped.
    shown = set(read_only(custom.key))
    data = {key: value for key, value in data.items() if key not in shown}
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
        found, code = errors.setdefault(_path(error), []), from_json_schema(str(error.validator), error.instance)
        if code not in [e["code"] for e in found]:  # a blank text breaks minLength and pattern: one error
            found.append({"code": code, "message": error.message})
    if errors:
        raise FormInvalid(errors)
    if form.check is not None and run_check:
        form.check(session, instance_id, data)


def _path(error: ValidationError) -> str:
    """Return the path of the value in error ('realisasi/0/nilai'); a missing or unknown property is named."""
    parts = [str(p) for p in error.absolute_path]
    if isinstance(error.instance, dict):
        named: list[str] = []
        if error.validator == "required":
            named = [name for name in error.validator_value if name not in error.instance]
        elif error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            named = [name for name in error.instance if name not in known]
        if named:
            parts.append(str(named[0]))
    return "/".join(parts) or "_form"
