"""The record checks of the SKP plan (`skp_editor`) and of a period's realisations (`realisasi_editor`).

Each check lists every problem by field path before refusing, so the employee fixes the form at once.
Rules a process owner can switch are cycle settings read from the instance's variables
(`rhk_wajib_intervensi`, `realisasi_wajib_lengkap`, set in siklus_kinerja.bpmn).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from engine.errors import FormInvalid
from engine.runtime.lifecycle import instances

from ..models.skp import Iki, Rhk, Skp

# Prebuilt: a check runs before every completion of its form, and building and cache-keying a
# statement per call costs more than SQLite takes to run it. Each reads the database afresh.
_LATEST = aliased(Skp)
#: The instance's SKP (the latest, as `skp.skp_of_instance`) with every RHK and IKI id, in one read.
_OWN_ITEMS = (select(Skp.id, Skp.year, Skp.appraiser_position_id, Rhk.id, Iki.id)
              .outerjoin(Rhk, Rhk.skp_id == Skp.id).outerjoin(Iki, Iki.rhk_id == Rhk.id)
              .where(Skp.id == select(_LATEST.id).where(_LATEST.instance_id == bindparam("instance_id"))
                     .order_by(_LATEST.id.desc()).limit(1).scalar_subquery())
              .order_by(Rhk.id, Iki.id))
#: The RHK ids of the appraiser position's SKP of the year, once submitted or agreed (`skp_views.superior_skp`).
_SUPERIOR_RHK = select(Rhk.id).where(Rhk.skp_id == select(_LATEST.id).where(
    _LATEST.position_id == bindparam("position_id"), _LATEST.year == bindparam("year"),
    _LATEST.status.in_(("diajukan", "disetujui"))).order_by(_LATEST.id.desc()).limit(1).scalar_subquery())


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
    own = _Own(session, instance_id)
    problems = _Problems()
    superior_rhk = set() if own.appraiser_position_id is None else set(session.execute(
        _SUPERIOR_RHK, {"position_id": own.appraiser_position_id, "year": own.year}).scalars())
    # The setting is read (a restore of the instance) only for an RHK that names no superior RHK and
    # gives no reason: a plan that cascades fully, the usual one, does not pay for it.
    cascade_required = cache(lambda: _setting(session, instance_id, "rhk_wajib_intervensi", True))
    for i, item in enumerate(data["skp"]["rhk"]):
        path = f"skp/rhk/{i}"
        _check_ids(item, path, own.items, problems)
        parent_id = item.get("rhk_atasan_id")
        if parent_id is not None:
            parent = session.get(Rhk, parent_id)
            source = session.get(Skp, parent.skp_id) if parent is not None else None
            if parent is None or source is None:
                problems.add(f"{path}/rhk_atasan_id", "unknown_record", f"there is no RHK {parent_id}")
            elif own.found and (source.year != own.year or source.position_id != own.appraiser_position_id):
                problems.add(f"{path}/rhk_atasan_id", "not_superior",
                             f"RHK {parent_id} is not in the {own.year} SKP of the appraiser's position")
        elif superior_rhk and not (item.get("alasan_tanpa_intervensi") or "").strip() and cascade_required():
            # PermenPANRB 6/2022: a staff RHK cascades from (intervenes on) an RHK of the superior.
            problems.add(f"{path}/rhk_atasan_id", "cascade_required",
                         "name the superior's RHK this RHK intervenes on, or give alasan_tanpa_intervensi")
    problems.refuse()


class _Own:
    """The instance's SKP as the checks need it: found or not, its year, appraiser post, RHK and IKI ids."""

    def __init__(self, session: Session, instance_id: int) -> None:
        rows = session.execute(_OWN_ITEMS, {"instance_id": instance_id}).all()
        self.found = bool(rows)
        self.year: int | None = rows[0][1] if rows else None
        self.appraiser_position_id: int | None = rows[0][2] if rows else None
        #: RHK id -> its IKI ids.
        self.items: dict[int, set[int]] = {}
        for _, _, _, rhk_id, iki_id in rows:
            if rhk_id is not None:
                self.items.setdefault(rhk_id, set())
                if iki_id is not None:
                    self.items[rhk_id].add(iki_id)

    def iki(self) -> list[int]:
        """Return the IKI ids of the SKP in id order."""
        return sorted(iki_id for ids in self.items.values() for iki_id in ids)


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
    found = _Own(session, instance_id)
    if not found.found:
        return
    own = found.iki()
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
