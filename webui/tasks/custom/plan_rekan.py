"""Peer feedback: choosing the raters (`pilih_rekan`), and what the rater and the employee see on their forms."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.models import HumanTask
from workflows.planning.plan_views import instance_variables, person, public_service_of, rater_candidates

from ..registry import CustomForm, Panel, register_form, register_panel
from .plan_values import VALUES, text

#: The schema's bounds on `daftar_rekan` (workflows/appraisals/forms.py PILIH_REKAN).
MIN_RATERS, MAX_RATERS = 1, 20
RATER_TASK, SELF_TASK = "Task_beri_umpan_balik_berakhlak", "Task_penilaian_diri"


def context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the colleagues who may rate the employee, the counts that matter and whether public feedback fits."""
    variables = instance_variables(session, task.instance_id)
    nip = str(variables.get("nip") or "")
    return {"plan_rated": person(session, nip), "plan_candidates": rater_candidates(session, nip),
            "plan_min_raters": MIN_RATERS, "plan_max_raters": MAX_RATERS,
            "plan_min_shown": int(variables.get("min_penilai_agregat") or 3),
            "plan_public_service": public_service_of(session, nip), "plan_values": VALUES}


def _score(raw: str) -> float | str:
    """Return a 1–5 score (fractions allowed: survey averages); text that is no number is kept to be refused."""
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return raw


def parse(form: MultiDict[str, str]) -> dict[str, Any]:
    """Build the pilih_rekan submission: the ticked NIPs in page order, and the public's feedback when given."""
    data: dict[str, Any] = {"daftar_rekan": [nip.strip() for nip in form.getlist("daftar_rekan") if nip.strip()]}
    source = text(form, "umpan_balik_publik/sumber")
    scores = {code: text(form, f"umpan_balik_publik/nilai/{code}") for code in VALUES}
    if source or any(scores.values()):
        data["umpan_balik_publik"] = {"sumber": source,
                                      "nilai": {code: _score(raw) for code, raw in scores.items() if raw}}
    return data


def panel_context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return whose behaviour is rated (for the rater) and the values with their guides."""
    variables = instance_variables(session, task.instance_id)
    rated = person(session, variables.get("nip")) or {"nama": variables.get("nama"), "nip": variables.get("nip")}
    return {"rated": rated, "self": task.bpmn_id == SELF_TASK, "values": VALUES,
            "min_shown": int(variables.get("min_penilai_agregat") or 3)}


register_form(CustomForm("pilih_rekan", "tasks/custom/plan_rekan.html", context, parse))
register_panel(Panel("plan_berakhlak_guide", "tasks/custom/plan_rater_panel.html", panel_context,
                     lambda process_id, bpmn_id, key: process_id == "umpan_balik_rekan"
                     and bpmn_id in (RATER_TASK, SELF_TASK)))
