"""The calibration page (`penyesuaian_predikat`): the unit's distribution against its rule, every member's
predikat with a reason for each change, and the note when the group is too small for the curve to bind."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.models import HumanTask
from engine.runtime.lifecycle import instances
from workflows.calibration.calibration_view import calibration_view
from workflows.models.skp import PREDIKATS

from ..registry import CustomForm, register_form
from .rating_labels import labels

_FIELD = re.compile(r"^(penyesuaian|alasan_penyesuaian)/(\d{18})$")


def parse_adjustment(form: MultiDict[str, str]) -> dict[str, Any]:
    """Return {penyesuaian: {NIP: predikat}, alasan_penyesuaian: {NIP: reason}} (blank reasons left out)."""
    adjusted: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for key in form:
        found = _FIELD.match(key)
        if not found:
            continue
        value = (form.get(key) or "").strip()
        if found.group(1) == "penyesuaian" and value:
            adjusted[found.group(2)] = value
        elif found.group(1) == "alasan_penyesuaian" and value:
            reasons[found.group(2)] = value
    return {"penyesuaian": adjusted, "alasan_penyesuaian": reasons}


def calibration_context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the distribution, the rule, the members and the labels of the calibration under review."""
    variables = instances.variables(instances.load(session, task.instance_id))
    shown = (task.form or {}).get("values") or {}
    return {"calibration": calibration_view(session, variables, shown), "labels": labels(),
            "predikat_codes": PREDIKATS}


register_form(CustomForm("penyesuaian_predikat", "tasks/custom/rating_calibration.html", calibration_context,
                         parse_adjustment))
