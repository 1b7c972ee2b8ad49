"""How particular tasks are shown: custom form editors by form key, and material panels beside a form.

A custom form (a `camunda:formKey` the domain registers in `engine.forms.custom`) gets its own editor: a
template, a context builder and a parser from the posted fields to the JSON the domain checks. Any task
(a generated form too) may get panels above its form: the SKP and realisations on a rating task, the
result and deadline on an appeal task. Modules under `webui/tasks/custom/` register both.

What the task page gives an editor's template: `task`, `values` (the refused submission shown again, or the
user's draft, else {}), `errors` ({engine error path: [sentences]}) and the keys of its context; a panel's
template gets `panel_context`. On a task that also has generated fields (formKey beside formData) the page
shows the fields, then the editor, and sends the fields' values updated with what the parser returns; a
draft is what the same readers return, unchecked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.models import HumanTask

#: (session, task row, signed-in user) → template variables.
Context = Callable[[Session, HumanTask, Any], dict[str, Any]]
#: posted fields → the submission (the JSON the form's schema checks).
Parser = Callable[[MultiDict[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class CustomForm:
    """The editor of one custom form key."""

    key: str
    #: Template of the form's fields, included inside the task page's <form>.
    template: str
    context: Context
    parse: Parser
    #: The editor draws the task's generated fields itself (where they belong in its layout): the page
    #: leaves them out instead of showing every input twice.
    draws_fields: bool = False


@dataclass(frozen=True)
class Panel:
    """Material shown above a task's form."""

    name: str
    #: Template of the panel, included above the form.
    template: str
    context: Context
    #: (process_id, bpmn_id, form_key) → whether the panel belongs on the task.
    applies: Callable[[str, str, str | None], bool]


FORMS: dict[str, CustomForm] = {}
PANELS: list[Panel] = []


def register_form(form: CustomForm) -> None:
    """Register (or replace) the editor of a custom form key."""
    FORMS[form.key] = form


def register_panel(panel: Panel) -> None:
    """Register a panel (a second registration of the same name replaces the first)."""
    PANELS[:] = [p for p in PANELS if p.name != panel.name]
    PANELS.append(panel)


def form_for(task: HumanTask) -> CustomForm | None:
    """Return the editor of the task's custom form, or None for a generated form."""
    key = (task.form or {}).get("key")
    return FORMS.get(key) if key else None


def panels_for(task: HumanTask) -> list[Panel]:
    """Return the panels that belong on the task, in registration order."""
    key = (task.form or {}).get("key")
    return [p for p in PANELS if p.applies(task.process_id, task.bpmn_id, key)]
