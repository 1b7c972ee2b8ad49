"""Generated forms (`camunda:formData`): the posted values of their fields, and how each field is shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..i18n import _day

#: Up to this many choices an enum is a row of radio buttons (all visible at once), above it a select.
RADIO_LIMIT = 5
#: Text fields allowed to be longer than this are a textarea (a reason, a note), shorter ones a line.
LINE_LIMIT = 255
#: Field properties (camunda:properties of a formField) read as help text, in this order.
HELP_PROPERTIES = ("description", "help", "keterangan")


def read_fields(form: dict[str, Any], posted: MultiDict[str, str]) -> dict[str, Any]:
    """Return the posted values of the form's writable fields, as typed (the engine converts and checks)."""
    values: dict[str, Any] = {}
    for spec in form.get("fields", []):
        if spec["readonly"]:
            continue
        if spec["type"] == "boolean":
            # An unticked box is not posted at all: it means "no".
            values[spec["id"]] = posted.get(spec["id"]) in ("true", "on", "1")
        elif spec["id"] in posted:
            values[spec["id"]] = posted.get(spec["id"], "")
    return values


@dataclass
class FieldView:
    """One field as the page shows it: its widget, its value and its wording."""

    id: str
    label: str
    type: str
    widget: str
    required: bool
    value: Any
    #: The value as text for a field only shown (a date in words, a choice by its name, Ya/Tidak).
    shown: str
    help: str | None = None
    placeholder: str | None = None
    constraints: dict[str, Any] = field(default_factory=dict)
    options: list[dict[str, str]] = field(default_factory=list)
    #: {"field", "value"}: required only while another field holds that value.
    required_if: dict[str, str] | None = None


def field_views(form: dict[str, Any], values: dict[str, Any], *, shown_only: bool = False) -> list[FieldView]:
    """Return the views of a form's fields; values (a refused submission or a draft) win over the task's.

    shown_only renders every field as a value (a completed task's page shows what was submitted).
    """
    views = []
    for spec in form.get("fields", []):
        own = spec["id"] in values and not spec["readonly"]
        value = values[spec["id"]] if own or (shown_only and spec["id"] in values) else spec.get("value")
        static = shown_only or spec["readonly"]
        properties = spec.get("properties") or {}
        views.append(FieldView(
            id=spec["id"], label=spec["label"], type=spec["type"], widget="static" if static else _widget(spec),
            required=spec["required"] and not static, value=value, shown=_shown(spec, value),
            help=next((str(properties[k]) for k in HELP_PROPERTIES if properties.get(k)), None),
            placeholder=properties.get("placeholder"), constraints=spec.get("constraints") or {},
            options=spec.get("options") or [], required_if=None if static else spec.get("required_if")))
    return views


def _widget(spec: dict[str, Any]) -> str:
    kind = spec["type"]
    if kind == "enum":
        return "radio" if len(spec.get("options") or []) <= RADIO_LIMIT else "select"
    if kind == "boolean":
        return "checkbox"
    if kind == "long":
        return "number"
    if kind == "date":
        return "date"
    longest = (spec.get("constraints") or {}).get("maxlength")
    return "textarea" if longest is not None and longest > LINE_LIMIT else "text"


def _shown(spec: dict[str, Any], value: Any) -> str:
    if value is None or value == "":
        return "—"
    if spec["type"] == "boolean":
        return _("Yes") if value in (True, "true", "on", "1") else _("No")
    if spec["type"] == "enum":
        return next((o["name"] for o in spec.get("options") or [] if o["id"] == str(value)), str(value))
    if spec["type"] == "date":
        try:
            return _day(date.fromisoformat(str(value)[:10]), "long")
        except ValueError:
            return str(value)
    return str(value)
