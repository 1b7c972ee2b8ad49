"""Material above the generated forms near the rating: the appeal, the unit rating and the approval tasks.

Each panel shows what the task decides on, read from the records: the employee's full result and the
last day to object (keberatan), the appeal with both explanations (its deciders), the unit's distribution
(the unit rating and the violation review of kalibrasi_unit), the result being signed (persetujuan).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from engine.clock import clock
from engine.models import HumanTask
from engine.runtime.lifecycle import instances
from workflows.calibration.calibration_view import calibration_view, unit_ratings_of_year
from workflows.objections.appeal_notice import tanggal
from workflows.rating.rating_views import appeal_view

from ..registry import Panel, register_panel
from .rating_labels import labels

#: Tasks of keberatan.bpmn the employee acts on (filing), the others are the appeal's examination.
FILING_TASKS = ("Task_beritahu_predikat", "Task_ajukan_keberatan")
#: kalibrasi_unit's generated tasks that decide on the distribution (the custom adjustment has its own page).
UNIT_TASKS = ("Task_tetapkan_capaian", "Task_tinjau_pelanggaran", "Task_eskalasi_kalibrasi")
WITA = ZoneInfo("Asia/Makassar")


def _variables(session: Session, task: HumanTask) -> dict[str, Any]:
    return instances.variables(instances.load(session, task.instance_id))


def result_context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the result (ratings, predikat and its history), the window and the appeal of the task's appraisal."""
    view = appeal_view(session, task.instance_id)
    variables = _variables(session, task)
    window = view["window"]
    today = clock.now().astimezone(WITA).date()  # the window ends at the end of its last day in Samarinda
    return {**view, "labels": labels(), "filing": task.bpmn_id in FILING_TASKS,
            "appraiser_note": variables.get("catatan_penilaian"),
            "last_day": tanggal(window.last_day) if window is not None else None,
            "window_over": window is not None and (window.closed_at is not None or window.last_day < today),
            "show_appeal": task.process_id == "keberatan" and task.bpmn_id not in FILING_TASKS}


def distribution_context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the calibration group's distribution and members for the leader's unit tasks."""
    variables = _variables(session, task)
    return {"calibration": calibration_view(session, variables, {}), "labels": labels()}


def unit_period_context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the unit, the period and the unit's ratings set earlier this year (the leader's own record)."""
    variables = _variables(session, task)
    return {"unit": variables.get("unit_nama") or variables.get("unit_kode"),
            "period": variables.get("periode_nama"), "year": variables.get("tahun"),
            "earlier": unit_ratings_of_year(session, str(variables.get("unit_kode")), int(variables.get("tahun") or 0)),
            "labels": labels()}


register_panel(Panel("rating_result", "tasks/custom/rating_result_panel.html", result_context,
                     lambda process, bpmn_id, key: process in ("keberatan", "persetujuan")))
register_panel(Panel("rating_distribution", "tasks/custom/rating_distribution_panel.html", distribution_context,
                     lambda process, bpmn_id, key: process == "kalibrasi_unit" and bpmn_id in UNIT_TASKS))
register_panel(Panel("rating_unit_period", "tasks/custom/rating_unit_period_panel.html", unit_period_context,
                     lambda process, bpmn_id, key: process == "capaian_unit_periodik"))
