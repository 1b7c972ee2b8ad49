"""Stage 6, keberatan: the objection, explanations, decision and the curve re-check."""

from __future__ import annotations

from typing import Any

from .. import appeals, ratings
from ..records import RecordInvalid
from .common import skp_of_step


def catat_keberatan(alasan: str) -> dict[str, Any]:
    """File an objection against this instance's current predikat; return the appeal id."""
    run, found = skp_of_step()
    return {"keberatan_id": appeals.file_appeal(run.session, found, alasan, run.actor).id}

def catat_penjelasan_keberatan(pihak: str, penjelasan: str) -> str:
    """Record the appraiser's (penilai) or the employee's (pegawai) explanation of the open objection."""
    run, found = skp_of_step()
    appeal = appeals.open_appeal(run.session, found)
    if appeal is None:
        raise RecordInvalid(f"SKP {found.id} has no open objection to explain")
    appeals.add_explanation(run.session, appeal, pihak, penjelasan, run.actor, run.instance_id)
    return pihak

def putuskan_keberatan(keputusan: str, predikat_baru: str | None = None, alasan: str | None = None
                       ) -> dict[str, Any]:
    """Decide the open objection (tetap | ubah); return the decision and the predikat now in force."""
    run, found = skp_of_step()
    appeal = appeals.decide_appeal(run.session, found, keputusan, run.actor, predikat_baru, alasan)
    current = ratings.current_predikat(run.session, found)
    return {"keputusan": appeal.decision, "predikat": current.predikat if current else None,
            "cek_kurva_ulang": appeal.curve_flag}

def catat_cek_kurva_keberatan(pelanggaran: list[str]) -> bool:
    """Record the re-check of the unit's curve after an appeal changed the predikat; return the flag."""
    run, found = skp_of_step()
    appeal = appeals.latest_decided(run.session, found)
    if appeal is None:
        raise RecordInvalid(f"SKP {found.id} has no decided objection to re-check", skp_id=found.id)
    return appeals.record_curve_check(run.session, appeal, list(pelanggaran or []), run.actor,
                                      run.instance_id).curve_flag
