"""Form descriptions the web can render, and validation of submitted data against them."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from engine.errors import FormInvalid

NUMERIC_CONSTRAINTS = ("minlength", "maxlength", "min", "max")


def describe(form: Any) -> dict[str, Any]:
    """Return the JSON description of a SpiffWorkflow Camunda form (key and fields)."""
    if form is None:
        return {"key": None, "fields": []}
    fields = []
    for field in getattr(form, "fields", []):
        names = {v.name: v.config for v in field.validation}
        fields.append({
            "id": field.id,
            "label": field.label or field.id,
            "type": field.type or "string",
            "default": field.default_value,
            "required": "required" in names,
            "readonly": "readonly" in names,
            "constraints": _constraints(field.type, names),
            "required_if": _condition(names.get("required_if")),
            "options": [{"id": o.id, "name": o.name} for o in getattr(field, "options", [])],
            "properties": {p.id: p.value for p in field.properties},
        })
    return {"key": form.key or None, "fields": fields}


def _constraints(kind: str | None, names: dict[str, str | None]) -> dict[str, Any]:
    # Date fields bound by ISO dates (compared as text), the others by numbers.
    limits: dict[str, Any] = {}
    for key in NUMERIC_CONSTRAINTS:
        text = names.get(key)
        if text is not None:
            limits[key] = text if kind == "date" else _number(text)
    return limits


def _condition(config: str | None) -> dict[str, str] | None:
    # `required_if` "other=value": the field is required when the other field holds that value.
    if not config or "=" not in config:
        return None
    other, value = config.split("=", 1)
    return {"field": other.strip(), "value": value.strip()}


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def validate(form: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Return the cleaned, typed values of the writable fields; raise FormInvalid listing every error."""
    errors: dict[str, list[dict[str, Any]]] = {}
    cleaned: dict[str, Any] = {}
    known = {f["id"] for f in form["fields"]}
    for field in form["fields"]:
        if field["readonly"]:
            continue  # read-only fields show data; a submitted value is ignored, never stored
        fid = field["id"]
        raw = data.get(fid)
        if _blank(raw):
            if field["required"]:
                _add(errors, fid, "required", "this field is required")
            elif _required_now(field, data):
                condition = field["required_if"]
                _add(errors, fid, "required",
                     f"this field is required when {condition['field']} is {condition['value']}")
            elif fid in data:
                cleaned[fid] = None
            continue
        try:
            value = _convert(field, raw)
        except _Refused as exc:
            _add(errors, fid, exc.code, str(exc))
            continue
        for code, message in _check_constraints(field, value):
            _add(errors, fid, code, message)
        cleaned[fid] = value
    if form.get("key") and not form["fields"]:
        # A custom form (formKey) describes no fields here: the domain layer validates it.
        cleaned.update(data)
    else:
        for extra in sorted(set(data) - known):
            _add(errors, extra, "unknown_field", "this form has no such field")
    if errors:
        raise FormInvalid(errors)
    return cleaned


def _required_now(field: dict[str, Any], data: dict[str, Any]) -> bool:
    condition = field.get("required_if")
    return condition is not None and str(data.get(condition["field"])) == condition["value"]


class _Refused(ValueError):
    """A submitted value that cannot be converted, with its stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _add(errors: dict[str, list[dict[str, Any]]], fid: str, code: str, message: str) -> None:
    errors.setdefault(fid, []).append({"code": code, "message": message})


def _convert(field: dict[str, Any], raw: Any) -> Any:
    kind = field["type"]
    if kind == "long":
        if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not re.fullmatch(r"-?\d+", str(raw).strip()):
            raise _Refused("invalid_number", "must be a whole number")
        return int(str(raw).strip())
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1", "on", "yes", "ya"):
            return True
        if text in ("false", "0", "off", "no", "tidak"):
            return False
        raise _Refused("invalid_boolean", "must be true or false")
    if kind == "date":
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise _Refused("invalid_date", "must be a date in the form YYYY-MM-DD") from None
    if kind == "enum":
        options = [o["id"] for o in field["options"]]
        if str(raw) not in options:
            raise _Refused("not_in_choices", "must be one of: " + ", ".join(options))
        return str(raw)
    if not isinstance(raw, str):
        raise _Refused("invalid_type", "must be text")
    return raw.strip()


def _check_constraints(field: dict[str, Any], value: Any) -> list[tuple[str, str]]:
    limits = field["constraints"]
    problems = []
    if isinstance(value, str) and field["type"] == "string":
        if "minlength" in limits and len(value) < limits["minlength"]:
            problems.append(("too_short", f"must be at least {limits['minlength']} characters"))
        if "maxlength" in limits and len(value) > limits["maxlength"]:
            problems.append(("too_long", f"must be at most {limits['maxlength']} characters"))
    if isinstance(value, int) and not isinstance(value, bool):
        if "min" in limits and value < limits["min"]:
            problems.append(("below_minimum", f"must be at least {limits['min']}"))
        if "max" in limits and value > limits["max"]:
            problems.append(("above_maximum", f"must be at most {limits['max']}"))
    if field["type"] == "date":
        if "min" in limits and value < limits["min"]:
            problems.append(("below_minimum", f"must be on or after {limits['min']}"))
        if "max" in limits and value > limits["max"]:
            problems.append(("above_maximum", f"must be on or before {limits['max']}"))
    return problems
