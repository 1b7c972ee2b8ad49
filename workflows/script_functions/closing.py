"""Stages 7 to 9, persetujuan, publication and tindak_lanjut: signatures, publication, follow-up."""

from __future__ import annotations

from datetime import date
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.clock import clock
from engine.context import current_run

from ..appraisals.records import RecordInvalid, text
from ..organisation import org
from ..publishing import documents, publication
from ..rating import follow_up
from .common import skp_of_step


def tandatangani(dokumen: str, peran: str) -> str:
    """Sign this instance's document (skp | dokumen_evaluasi) in a role as the step's actor; return the sha256."""
    run, found = skp_of_step()
    return documents.sign(run.session, found, dokumen, peran, run.actor).content_sha256

def publikasikan_unit(unit_kode: str, tahun: int, predikat_final: dict[str, str] | None = None) -> dict[str, Any]:
    """Publish the unit's aggregate for the year and return it (names only of consenting employees).

    predikat_final (NIP → predikat, the calibration's final mapping) overrides the predikat on record.
    """
    run = current_run()
    unit = org.unit_by_code(run.session, text("unit_kode", unit_kode) or "")
    if predikat_final is not None and not isinstance(predikat_final, dict):
        raise RecordInvalid(f"predikat_final must be a map NIP → predikat, not {predikat_final!r}")
    return dict(documents.publish_unit(run.session, unit, tahun, run.actor, run.instance_id,
                                       final=predikat_final).aggregate)

def publikasikan_jika_lengkap(unit_kode: str, tahun: int, min_kelompok_publikasi: int = 5) -> dict[str, Any]:
    """Publish the calibration group's aggregate once every result is final; say what it still waits for."""
    run = current_run()
    unit = org.unit_by_code(run.session, text("unit_kode", unit_kode) or "")
    done = publication.publish_if_complete(run.session, unit, tahun, run.actor, run.instance_id,
                                           min_kelompok_publikasi)
    latest = done or publication.latest_publication(run.session, unit, tahun)
    return {"terbit": done is not None, "versi": latest.aggregate.get("versi") if latest else None,
            "menunggu": publication.incomplete(run.session, unit, tahun)}

def buat_rencana_pengembangan(rekomendasi_pelatihan: str, target_kompetensi: str,
                              perbaikan_sampai: str | None = None, masa_perbaikan: str | None = None
                              ) -> dict[str, Any]:
    """Draw up the development plan after a poor predikat.

    perbaikan_sampai is an ISO date; or masa_perbaikan, an ISO duration (the process's improvement
    timer, `P6M`), counted from today in Samarinda, gives it.
    """
    run, found = skp_of_step()
    until = None
    if perbaikan_sampai is not None:
        try:
            until = date.fromisoformat(str(perbaikan_sampai)[:10])
        except ValueError:
            raise RecordInvalid(f"perbaikan_sampai must be an ISO date, not {perbaikan_sampai!r}")
    elif masa_perbaikan is not None:
        until = _after(str(masa_perbaikan))
    plan = follow_up.create_development_plan(run.session, found, rekomendasi_pelatihan, target_kompetensi,
                                             run.actor, until)
    return {"rencana_id": plan.id, "predikat": plan.reason_predikat,
            "perbaikan_sampai": until.isoformat() if until else None}

def _after(duration: str) -> date:
    """Return the local date a duration after the engine's now (as the BPMN timer counts it)."""
    try:
        parts = TimerEventDefinition.parse_iso_duration(duration)
    except Exception:
        raise RecordInvalid(f"masa_perbaikan must be an ISO duration such as P6M, not {duration!r}")
    start = clock.now().astimezone(clock.local_tz)
    return (start + TimerEventDefinition.get_timedelta_from_start(parts, start)).date()

def evaluasi_masa_perbaikan(hasil: str, catatan: str | None = None) -> dict[str, Any]:
    """Record how the improvement period of the SKP's latest development plan ended (membaik | tidak_membaik)."""
    run, found = skp_of_step()
    plan = follow_up.latest_development_plan(run.session, found)
    if plan is None:
        raise RecordInvalid(f"SKP {found.id} has no development plan to evaluate", skp_id=found.id)
    follow_up.evaluate_development_plan(run.session, plan, hasil, run.actor, run.instance_id, catatan)
    return {"rencana_id": plan.id, "hasil": plan.outcome}

def catat_talent_pool(predikat_tahun_lalu: str | None) -> dict[str, Any]:
    """Nominate the employee for the talent pool after two years Sangat Baik; return the entry."""
    run, found = skp_of_step()
    entry = follow_up.add_to_talent_pool(run.session, found, predikat_tahun_lalu, run.actor)
    return {"talent_pool_id": entry.id, "tahun": entry.year}
