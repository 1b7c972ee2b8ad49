"""The SKP editor (`skp_editor`): RHK rows with their IKI and targets, the cascade, expectations and annexes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from engine.models import HumanTask
from workflows.planning.plan_views import superior_rhk_of_instance

from ..registry import CustomForm, register_form
from .plan_values import (
    ANNEXES,
    APPROACHES,
    ASPECTS,
    PERSPECTIVES,
    RHK_KINDS,
    VALUES,
    indexes,
    record_id,
    text,
)


def context(session: Session, task: HumanTask, user: Any) -> dict[str, Any]:
    """Return the editor's choices, the superior's RHK (fresh from the records) and the return note."""
    stored = (task.form or {}).get("values") or {}
    superior = superior_rhk_of_instance(session, task.instance_id) or list(stored.get("rhk_atasan") or [])
    return {"plan_values": VALUES, "plan_annexes": ANNEXES, "plan_rhk_kinds": RHK_KINDS,
            "plan_approaches": APPROACHES, "plan_aspects": ASPECTS, "plan_perspectives": PERSPECTIVES,
            "plan_superior_rhk": superior, "plan_return_note": stored.get("catatan_skp")}


def _iki(form: MultiDict[str, str], prefix: str) -> dict[str, Any]:
    item: dict[str, Any] = {"uraian": text(form, f"{prefix}/uraian")}
    # Kept as typed ("95", "1,5", "100%"): the records hold targets as text. A blank one is left out, so
    # the refusal says "required" rather than "not valid".
    if target := text(form, f"{prefix}/target"):
        item["target"] = target
    if (iki_id := record_id(form.get(f"{prefix}/id"))) is not None:
        item["id"] = iki_id
    item["satuan"] = text(form, f"{prefix}/satuan") or None
    if aspek := text(form, f"{prefix}/aspek"):
        item["aspek"] = aspek
    return item


def _rhk(form: MultiDict[str, str], prefix: str) -> dict[str, Any]:
    item: dict[str, Any] = {"uraian": text(form, f"{prefix}/uraian")}
    if (rhk_id := record_id(form.get(f"{prefix}/id"))) is not None:
        item["id"] = rhk_id
    if jenis := text(form, f"{prefix}/jenis"):
        item["jenis"] = jenis
    if perspektif := text(form, f"{prefix}/perspektif"):
        item["perspektif"] = perspektif
    parent = text(form, f"{prefix}/rhk_atasan_id")
    item["rhk_atasan_id"] = int(parent) if parent.isdigit() else None
    item["alasan_tanpa_intervensi"] = text(form, f"{prefix}/alasan_tanpa_intervensi") or None
    # Every row the page shows goes in, blank or not, so a refusal's paths match the rows on the page.
    item["iki"] = [_iki(form, f"{prefix}/iki/{j}") for j in indexes(form, f"{prefix}/iki/")]
    return item


def parse(form: MultiDict[str, str]) -> dict[str, Any]:
    """Build the skp_editor submission from the posted rows (any number of RHK and IKI)."""
    skp: dict[str, Any] = {"rhk": [_rhk(form, f"skp/rhk/{i}") for i in indexes(form, "skp/rhk/")]}
    if pendekatan := text(form, "skp/pendekatan"):
        skp["pendekatan"] = pendekatan
    # Expectations and annexes are optional one by one: a blank box says nothing.
    perilaku = {code: text(form, f"skp/perilaku/{code}") for code in VALUES}
    skp["perilaku"] = {code: value for code, value in perilaku.items() if value}
    lampiran = {kind: text(form, f"skp/lampiran/{kind}") for kind in ANNEXES}
    skp["lampiran"] = {kind: value for kind, value in lampiran.items() if value}
    return {"skp": skp}


register_form(CustomForm("skp_editor", "tasks/custom/plan_skp.html", context, parse))
