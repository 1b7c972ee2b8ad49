"""Stage 1, perencanaan_skp: open, draft, return and agree the SKP."""

from __future__ import annotations

from typing import Any

from engine.context import current_run

from ..appraisals.records import text
from ..cycle import skp_start
from ..organisation import org
from ..planning import skp, skp_views
from .common import skp_of_step


def siapkan_skp(nip: str, tahun: int, pendekatan: str = "kuantitatif") -> dict[str, Any]:
    """Open (or find) the SKP of this instance for the employee and year; return its id and status."""
    run = current_run()
    employee = org.employee_by_nip(run.session, text("nip", nip) or "")
    own = skp.skp_of_instance(run.session, run.instance_id) if run.instance_id is not None else None
    if own is not None and own.employee_id == employee.id and own.year == tahun:
        found = own
    else:
        # After a mid-year transfer the year's first SKP is closed: this cycle's SKP starts with the new
        # position; a new hire's starts on their first day.
        found = skp.open_skp(run.session, employee, tahun, run.actor, instance_id=run.instance_id,
                             period_start=skp_start.late_start(run.session, employee, tahun),
                             approach=pendekatan)
    return {"skp_id": found.id, "status": found.status,
            "penetapan_wali_kota": skp_views.set_by_wali_kota(run.session, found)}

def simpan_skp(rencana: dict[str, Any]) -> dict[str, Any]:
    """Store the plan drafted in the skp_editor form (RHK, IKI, behaviour expectations, lampiran); submit it."""
    run, found = skp_of_step()
    skp.save_plan(run.session, found, rencana, run.actor)
    skp.set_status(run.session, found, "diajukan", run.actor)  # submitted for the appraiser's review
    return {"skp_id": found.id, "jumlah_rhk": len(found.rhk), "status": found.status}

def kembalikan_skp(catatan: str) -> str:
    """Mark this instance's SKP returned to the employee with the appraiser's note; return the status."""
    run, found = skp_of_step()
    return skp.set_status(run.session, found, "dikembalikan", run.actor, text("catatan", catatan)).status

def setujui_skp(ekspektasi_pimpinan: dict[str, Any] | None = None) -> str:
    """Mark this instance's SKP agreed (disetujui), with the leader's expectations per BerAKHLAK value."""
    run, found = skp_of_step()
    if ekspektasi_pimpinan:
        skp.set_leader_expectations(run.session, found, dict(ekspektasi_pimpinan), run.actor)
    return skp.set_status(run.session, found, "disetujui", run.actor).status

def rencana_skp() -> dict[str, Any]:
    """Return this instance's stored SKP plan in the skp_editor's shape, with RHK and IKI ids."""
    run, found = skp_of_step()
    return skp_views.plan_of(run.session, found)

def rhk_atasan_skp() -> list[dict[str, Any]]:
    """Return the RHK of the superior's SKP of the year ([{id, uraian}]) a staff RHK can intervene on."""
    run, found = skp_of_step()
    return skp_views.superior_rhk(run.session, found)
