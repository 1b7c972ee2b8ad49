"""A period's realisation (`realisasi_editor`): per IKI the target, the value reached, evidence, notes; and the
same realisations shown to the appraiser on the period's feedback and evaluation tasks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.models import HumanTask
from workflows.planning.plan_views import indicators_of_instance, instance_variables, realisations_of_period

from ..registry import CustomForm, Panel, register_form, register_panel
from .plan_values import indexes, text


def context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the IKI of the agreed SKP, the period's name and its input deadline."""
    variables = instance_variables(session, task.instance_id)
    return {"plan_indicators": indicators_of_instance(session, task.instance_id),
            "plan_period": variables.get("periode_nama"), "plan_final": bool(variables.get("periode_akhir"))}


def _item(form: MultiDict[str, str], prefix: str) -> dict[str, Any]:
    raw_id = text(form, f"{prefix}/iki_id")
    # A tampered id is passed on as text: the schema refuses it beside the row, it never names another IKI.
    item: dict[str, Any] = {"iki_id": int(raw_id) if raw_id.isdigit() else raw_id}
    for name in ("nilai", "bukti_dukung", "catatan"):
        item[name] = text(form, f"{prefix}/{name}") or None
    return item


def parse(form: MultiDict[str, str]) -> dict[str, Any]:
    """Build the realisasi_editor submission: one entry per IKI row of the page."""
    return {"realisasi": [_item(form, f"realisasi/{i}") for i in indexes(form, "realisasi/")]}


register_form(CustomForm("realisasi_editor", "tasks/custom/plan_realisasi.html", context, parse))


#: The appraiser's tasks of a period that judge its realisations: they show them above the form.
REVIEW_TASKS = ("Task_beri_umpan_balik", "Task_evaluasi_periodik", "Task_evaluasi_semester")


def panel_context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the period's name and, per IKI, the target and what the employee recorded."""
    period = instance_variables(session, task.instance_id).get("periode_nama")
    return {"period": period, "rows": realisations_of_period(session, task.instance_id, period)}


register_panel(Panel("plan_period_realisations", "tasks/custom/plan_realisasi_panel.html", panel_context,
                     lambda process_id, bpmn_id, key: process_id == "pemantauan_kinerja" and bpmn_id in REVIEW_TASKS))
