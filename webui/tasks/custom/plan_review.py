"""The appraiser's review of an SKP (`ekspektasi_pimpinan`) and the SKP shown on the tasks that sign it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.models import HumanTask
from workflows.planning.plan_views import plan_of_instance, superior_rhk_of_instance

from ..registry import CustomForm, Panel, register_form, register_panel
from .plan_values import ANNEXES, RHK_KINDS, VALUES, text

#: Tasks after the review that sign or set the agreed SKP: they show it above their form.
SIGNING_TASKS = ("Task_tandatangani_skp", "Task_tetapkan_skp_jpt")


def context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the SKP as submitted (the task's material, else the records) and the words to show it."""
    stored = (task.form or {}).get("values") or {}
    plan = stored.get("skp_diajukan") or plan_of_instance(session, task.instance_id)
    superior = {item["id"]: item["uraian"] for item in superior_rhk_of_instance(session, task.instance_id)}
    return {"plan_submitted": plan, "plan_values": VALUES, "plan_rhk_kinds": RHK_KINDS,
            "plan_annexes": ANNEXES, "plan_superior": superior}


def parse(form: MultiDict[str, str]) -> dict[str, Any]:
    """Build the leader's expectation per value (blank ones left out); the decision fields are generated ones."""
    data: dict[str, Any] = {}
    expectations = {code: text(form, f"ekspektasi_pimpinan/{code}") for code in VALUES}
    data["ekspektasi_pimpinan"] = {code: value for code, value in expectations.items() if value}
    return data


def panel_context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the agreed SKP of the task's instance for the signing tasks."""
    superior = {item["id"]: item["uraian"] for item in superior_rhk_of_instance(session, task.instance_id)}
    return {"plan": plan_of_instance(session, task.instance_id), "values": VALUES, "kinds": RHK_KINDS,
            "annexes": ANNEXES, "superior": superior}


register_form(CustomForm("ekspektasi_pimpinan", "tasks/custom/plan_review.html", context, parse))
# The submitted SKP comes above the whole form: the appraiser reads it before deciding.
register_panel(Panel("plan_skp_review", "tasks/custom/plan_review_panel.html", context,
                     lambda process_id, bpmn_id, key: key == "ekspektasi_pimpinan"))
register_panel(Panel("plan_skp_signed", "tasks/custom/plan_skp_panel.html", panel_context,
                     lambda process_id, bpmn_id, key: process_id == "perencanaan_skp" and bpmn_id in SIGNING_TASKS))
