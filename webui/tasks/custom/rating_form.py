"""The annual rating page: per-RHK and per-value ratings next to the overall ratings, with the year's file.

`penilaian_rinci` (Nilai hasil kerja dan perilaku) and `penilaian_perilaku_rinci` (Nilai perilaku kepala
unit) are custom parts beside generated fields; the page renders both and `parse` gives the engine the
generated fields' ids plus the custom JSON (`penilaian_rhk`, `penilaian_perilaku`) of workflows/appraisals/forms.py.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.models import HumanTask
from engine.runtime.lifecycle import instances
from workflows.models.skp import BERAKHLAK, EXPECTATIONS
from workflows.rating.decision_preview import predikat_matrix, preview_predikat
from workflows.rating.rating_views import rating_material

from ..registry import CustomForm, register_form
from .rating_labels import labels

#: The generated fields of the two rating tasks a submission may carry (read-only ones are only shown).
GENERATED = ("hasil_kerja", "perilaku", "catatan_penilaian", "capaian_unit")
_RHK_FIELD = re.compile(r"^penilaian_rhk/(\d+)/(rhk_id|rating|catatan)$")


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def parse_rating(form: MultiDict[str, str]) -> dict[str, Any]:
    """Return the submission: the overall ratings by field id, the RHK ratings in order, the values' ratings."""
    data: dict[str, Any] = {name: form.get(name, "") for name in GENERATED if name in form}
    if "catatan_penilaian" in data:
        data["catatan_penilaian"] = _text(data["catatan_penilaian"])
    rows: dict[int, dict[str, Any]] = {}
    for key in form:
        found = _RHK_FIELD.match(key)
        if not found:
            continue
        row, part = rows.setdefault(int(found.group(1)), {}), found.group(2)
        value = _text(form.get(key))
        if part == "rhk_id":
            row["rhk_id"] = int(value) if value and value.isdigit() else value
        elif value is not None:
            row[part] = value
    if rows:
        data["penilaian_rhk"] = [rows[i] for i in sorted(rows)]
    data["penilaian_perilaku"] = {code: form[f"penilaian_perilaku/{code}"] for code in BERAKHLAK
                                  if _text(form.get(f"penilaian_perilaku/{code}"))}
    return data


def rating_context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the year's file, the peer aggregate, the predikat matrix of this instance's table and the labels."""
    shown = (task.form or {}).get("values") or {}
    settings = instances.variables(instances.load(session, task.instance_id))
    material = rating_material(session, task.instance_id, shown.get("berkas_penilaian"),
                               settings.get("min_penilai_agregat"))
    matrix = predikat_matrix(session, task.instance_id, EXPECTATIONS)
    return {"rating": material, "labels": labels(), "expectation_codes": EXPECTATIONS,
            "predikat_matrix": matrix, "is_head": task.form.get("key") == "penilaian_perilaku_rinci",
            "preview_for": lambda values: preview_predikat(
                session, task.instance_id, values.get("hasil_kerja"), values.get("perilaku"),
                values.get("capaian_unit"))}


for _key in ("penilaian_rinci", "penilaian_perilaku_rinci"):
    register_form(CustomForm(_key, "tasks/custom/rating_form.html", rating_context, parse_rating,
                             draws_fields=True))
