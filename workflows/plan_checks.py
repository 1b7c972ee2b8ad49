"""The record checks of the SKP plan (`skp_editor`) and of a period's realisations (`realisasi_editor`).

Each check lists every problem by field path before refusing, so the employee fixes the form at once.
Rules a process owner can switch are cycle settings read from the instance's variables
(`rhk_wajib_intervensi`, `realisasi_wajib_lengkap`, set in siklus_kinerja.bpmn).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import FormInvalid
from engine.runtime import instances

from .models.skp import Iki, Rhk, Skp
from .skp import skp_of_instance
from .skp_views import superior_skp


class _Problems:
    """Collects {path: [{code, message}]} and refuses them all at once."""

    def __init__(self) -> None:
        self.found: dict[str, list[dict[str, Any]]] = {}

    def add(self, path: str, code: str, message: str) -> None:
        self.found.setdefault(path, []).append({"code": code, "message": message})

    def refuse(self) -> None:
        if self.found:
            raise FormInvalid(self.found)


def _setting(session: Session, instance_id: int, name: str, default: bool) -> bool:
    value = instances.variables(instances.load(session, instance_id)).get(name)
    return default if value is None else bool(value)


def check_skp_editor(session: Session, instance_id: int, data: dict[str, Any]) -> None:
    """RHK and IKI ids are this SKP's; each RHK intervenes on a superior's RHK or says why not."""
    own = skp_of_instance(session, instance_id)
    problems = _Problems()
    superior = superior_skp(session, own) if own is not None else None
    superior_rhk = set() if superior is None else {r.id for r in superior.rhk}
    cascade = bool(superior_rhk) and _setting(session, instance_id, "rhk_wajib_intervensi", True)
    mine = _own_items(session, own)
    for i, item in enumerate(data["skp"]["rhk"]):
        path = f"skp/rhk/{i}"
        _check_ids(item, path, mine, problems)
        parent_id = item.get("rhk_atasan_id")
        if parent_id is not None:
            parent = session.get(Rhk, parent_id)
            source = session.get(Skp, parent.skp_id) if parent is not None else None
            if parent is None or source is None:
                problems.add(f"{path}/rhk_atasan_id", "unknown_record", f"there is no RHK {parent_id}")
            elif own is not None and (source.year != own.year or source.position_id != own.appraiser_position_id):
                problems.add(f"{path}/rhk_atasan_id", "not_superior",
                             f"RHK {parent_id} is not in the {own.year} SKP of the appraiser's position")
        elif cascade and not (item.get("alasan_tanpa_intervensi") or "").strip():
            # PermenPANRB 6/2022: a staff RHK cascades from (intervenes on) an RHK of the superior.
            problems.add(f"{path}/rhk_atasan_id", "cascade_required",
                         "name the superior's RHK this RHK intervenes on, or give alasan_tanpa_intervensi")
    problems.refuse()


def _own_items(session: Session, own: Skp | None) -> dict[int, set[int]]:
    """Return this SKP's RHK ids with the ids of their IKI."""
    if own is None:
        return {}
    items: dict[int, set[int]] = {}
    for rhk_id, iki_id in session.execute(select(Rhk.id, Iki.id).outerjoin(Iki, Iki.rhk_id == Rhk.id)
                                          .where(Rhk.skp_id == own.id)):
        items.setdefault(rhk_id, set())
        if iki_id is not None:
            items[rhk_id].add(iki_id)
    return items


def _check_ids(item: dict[str, Any], path: str, mine: dict[int, set[int]], problems: _Problems) -> None:
    """A resubmitted RHK or IKI names an item of this SKP (a new one gives no id)."""
    rhk_id = item.get("id")
    if rhk_id is not None and rhk_id not in mine:
        problems.add(f"{path}/id", "unknown_record", f"RHK {rhk_id} is not part of this SKP")
    for j, iki in enumerate(item.get("iki") or []):
        iki_id = iki.get("id")
        if iki_id is not None and iki_id not in mine.get(rhk_id or 0, set()):
            problems.add(f"{path}/iki/{j}/id", "unknown_record", f"IKI {iki_id} is not part of this RHK")


def check_realisasi(session: Session, instance_id: int, data: dict[str, Any]) -> None:
    """Each realisation names an IKI of this SKP once, with a value or a written explanation; none is left out."""
    skp = skp_of_instance(session, instance_id)
    if skp is None:
        return
    own = list(session.execute(select(Iki.id).join(Rhk, Rhk.id == Iki.rhk_id).where(Rhk.skp_id == skp.id)
                               .order_by(Iki.id)).scalars())
    problems = _Problems()
    seen: set[int] = set()
    for i, item in enumerate(data["realisasi"]):
        iki_id = item["iki_id"]
        if iki_id not in own:
            problems.add(f"realisasi/{i}/iki_id", "unknown_record", f"IKI {iki_id} is not part of this SKP")
        elif iki_id in seen:
            problems.add(f"realisasi/{i}/iki_id", "duplicate", f"IKI {iki_id} is given twice")
        seen.add(iki_id)
        if _blank(item.get("nilai")) and _blank(item.get("catatan")):
            problems.add(f"realisasi/{i}/catatan", "required",
                         "give the realisation, or explain in catatan why there is none")
    missing = [iki_id for iki_id in own if iki_id not in seen]
    if missing and _setting(session, instance_id, "realisasi_wajib_lengkap", True):
        problems.add("realisasi", "incomplete", f"IKI {', '.join(map(str, missing))} has no realisation "
                                                "or explanation for this period")
    problems.refuse()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
