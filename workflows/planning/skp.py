"""The SKP: open it with header snapshots, store the plan, agree or close it, record monitoring."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from engine.clock import clock

from ..appraisals.records import RecordInvalid, note, one_of, text, year
from ..models.org import Employee
from ..models.skp import (
    ANNEX_KINDS,
    APPROACHES,
    ASPECTS,
    BERAKHLAK,
    RHK_KINDS,
    BehaviourExpectation,
    CoachingSession,
    Feedback,
    Iki,
    Realisation,
    Rhk,
    Skp,
    SkpAnnex,
)
from ..organisation import org

#: Kinds of coaching session (pemantauan_kinerja.bpmn, Task_catat_bimbingan).
COACHING_KINDS = ("bimbingan", "konseling", "mentoring")


#: Built once: script functions and form checks look the SKP up at almost every step.
_SKP_OF_INSTANCE = select(Skp).where(Skp.instance_id == bindparam("instance_id")).order_by(Skp.id.desc()).limit(1)


def skp_of_instance(session: Session, instance_id: int) -> Skp | None:
    """Return the SKP an engine instance works on, if one was opened."""
    return session.execute(_SKP_OF_INSTANCE, {"instance_id": instance_id}).scalar_one_or_none()


def require_skp(session: Session, instance_id: int) -> Skp:
    """Return the SKP of an instance or refuse (open it first with `open_skp` / `siapkan_skp`)."""
    skp = skp_of_instance(session, instance_id)
    if skp is None:
        raise RecordInvalid(f"instance {instance_id} has no SKP yet: open it first (siapkan_skp)",
                            instance_id=instance_id)
    return skp


def open_skp(session: Session, employee: Employee, tahun: int, actor: str, *, instance_id: int | None = None,
             period_start: date | None = None, period_end: date | None = None,
             approach: str = "kuantitatif") -> Skp:
    """Return the employee's SKP starting period_start (1 January by default), opening it if needed."""
    tahun = year(tahun)
    one_of("pendekatan", approach, APPROACHES)
    start, end = period_start or date(tahun, 1, 1), period_end or date(tahun, 12, 31)
    if end < start or start.year != tahun:
        raise RecordInvalid(f"SKP period {start}..{end} does not lie in {tahun}")
    existing = session.execute(select(Skp).where(Skp.employee_id == employee.id, Skp.year == tahun,
                                                 Skp.period_start == start)).scalar_one_or_none()
    if existing is not None:
        if instance_id is not None and existing.instance_id not in (None, instance_id):
            raise RecordInvalid(f"the SKP of {employee.nip} for {tahun} from {start} belongs to instance "
                                f"{existing.instance_id}", skp_id=existing.id)
        existing.instance_id = existing.instance_id or instance_id
        return existing
    position = employee.position
    if position is None:
        raise RecordInvalid(f"{employee.nip} holds no position: an SKP needs one", nip=employee.nip)
    # Snapshots: a later transfer or reorganisation must not rewrite who appraised whom.
    penilai = org.pejabat_penilai_position(session, position)
    atasan = org.pejabat_penilai_position(session, penilai) if penilai is not None else None
    skp = Skp(employee_id=employee.id, year=tahun, position_id=position.id, unit_id=position.unit_id,
              appraiser_position_id=penilai.id if penilai else None,
              appraiser_superior_position_id=atasan.id if atasan else None, period_start=start,
              period_end=end, status="draft", approach=approach, instance_id=instance_id,
              created_at=clock.now())
    session.add(skp)
    session.flush()
    note(session, "skp_opened", actor, instance_id, {"skp_id": skp.id, "nip": employee.nip, "tahun": tahun,
                                                    "jabatan": position.code})
    return skp


def save_plan(session: Session, skp: Skp, plan: dict[str, Any], actor: str) -> Skp:
    """Store the skp_editor's `skp` value: RHK and IKI updated in place by id, new ones added, others removed.

    Ids stay stable over a return and a resubmission, so feedback, ratings and cascades that name an RHK
    keep pointing at it. Behaviour expectations and lampiran are replaced.
    """
    if skp.status in ("disetujui", "ditutup"):
        raise RecordInvalid(f"SKP {skp.id} is {skp.status}: its plan can no longer change", skp_id=skp.id)
    if not isinstance(plan, dict) or not isinstance(plan.get("rhk"), list) or not plan["rhk"]:
        raise RecordInvalid("the SKP plan needs a non-empty list 'rhk'")
    if "pendekatan" in plan:
        skp.approach = one_of("pendekatan", plan["pendekatan"], APPROACHES)
    for model in (BehaviourExpectation, SkpAnnex):
        session.execute(delete(model).where(model.skp_id == skp.id))
    old_rhk = {r.id: r for r in session.execute(select(Rhk).where(Rhk.skp_id == skp.id)).scalars()}
    kept: set[int] = set()
    for i, item in enumerate(plan["rhk"], start=1):
        if not isinstance(item, dict):
            raise RecordInvalid(f"rhk {i} must be an object")
        rhk = _save_rhk(session, skp, old_rhk, i, item)
        kept.add(rhk.id)
    gone = [rhk_id for rhk_id in old_rhk if rhk_id not in kept]
    if gone:
        session.execute(delete(Iki).where(Iki.rhk_id.in_(gone)))
        session.execute(delete(Rhk).where(Rhk.id.in_(gone)))
    for value_code, expectation in (plan.get("perilaku") or {}).items():
        session.add(BehaviourExpectation(skp_id=skp.id, value_code=one_of("perilaku", value_code, BERAKHLAK),
                                         expectation=text(f"ekspektasi {value_code}", expectation)))
    for kind, content in (plan.get("lampiran") or {}).items():
        session.add(SkpAnnex(skp_id=skp.id, kind=one_of("lampiran", kind, ANNEX_KINDS),
                             text=text(f"lampiran {kind}", content)))
    session.flush()
    session.expire(skp, ["rhk"])  # rows were removed by statements, not through the collection
    note(session, "skp_drafted", actor, skp.instance_id, {"skp_id": skp.id, "rhk": len(plan["rhk"])})
    return skp


def _save_rhk(session: Session, skp: Skp, old: dict[int, Rhk], i: int, item: dict[str, Any]) -> Rhk:
    """Update the RHK the item names (or add it) with its IKI, in place by id."""
    parent = item.get("rhk_atasan_id")
    if parent is not None and (not isinstance(parent, int) or session.get(Rhk, parent) is None):
        raise RecordInvalid(f"rhk {i} rhk_atasan_id {parent!r} is not an RHK of the superior's SKP")
    rhk_id = item.get("id")
    if rhk_id is not None and rhk_id not in old:
        raise RecordInvalid(f"rhk {i} id {rhk_id!r} is not an RHK of SKP {skp.id}", skp_id=skp.id)
    rhk = old[rhk_id] if rhk_id is not None else Rhk(skp_id=skp.id)
    rhk.kind = one_of(f"rhk {i} jenis", item.get("jenis", "utama"), RHK_KINDS)
    # text() refuses a blank required value; `or ""` only narrows the type for the column.
    rhk.text = text(f"rhk {i} uraian", item.get("uraian")) or ""
    rhk.parent_rhk_id = parent
    rhk.no_intervention_reason = None if parent is not None else text(
        f"rhk {i} alasan_tanpa_intervensi", item.get("alasan_tanpa_intervensi"), required=False)
    rhk.perspective = text(f"rhk {i} perspektif", item.get("perspektif"), required=False)
    session.add(rhk)
    session.flush()
    old_iki = {k.id: k for k in session.execute(select(Iki).where(Iki.rhk_id == rhk.id)).scalars()}
    indicators = item.get("iki") or ([{"uraian": rhk.text, "target": item["target"]}] if "target" in item else [])
    kept: set[int] = set()
    for j, given in enumerate(indicators, start=1):
        iki_id = given.get("id")
        if iki_id is not None and iki_id not in old_iki:
            raise RecordInvalid(f"iki {i}.{j} id {iki_id!r} is not an IKI of RHK {rhk.id}", skp_id=skp.id)
        iki = old_iki[iki_id] if iki_id is not None else Iki(rhk_id=rhk.id)
        iki.text = text(f"iki {i}.{j} uraian", given.get("uraian")) or ""
        iki.target = text(f"iki {i}.{j} target", str(given.get("target") or "")) or ""
        iki.unit = text(f"iki {i}.{j} satuan", given.get("satuan"), required=False)
        iki.aspect = one_of(f"iki {i}.{j} aspek", given.get("aspek", "kuantitas"), ASPECTS)
        session.add(iki)
        session.flush()
        kept.add(iki.id)
    gone = [iki_id for iki_id in old_iki if iki_id not in kept]
    if gone:
        session.execute(delete(Iki).where(Iki.id.in_(gone)))
    session.expire(rhk, ["iki"])
    return rhk


def set_leader_expectations(session: Session, skp: Skp, expectations: dict[str, Any], actor: str) -> Skp:
    """Set the leader's specific expectation (ekspektasi khusus pimpinan) of the given BerAKHLAK values."""
    if skp.status in ("disetujui", "ditutup"):
        raise RecordInvalid(f"SKP {skp.id} is {skp.status}: its expectations can no longer change", skp_id=skp.id)
    current = {e.value_code: e for e in session.execute(
        select(BehaviourExpectation).where(BehaviourExpectation.skp_id == skp.id)).scalars()}
    for value_code, expectation in expectations.items():
        one_of("perilaku", value_code, BERAKHLAK)
        wording = text(f"ekspektasi {value_code}", expectation)
        if value_code in current:
            current[value_code].expectation = wording
        else:
            session.add(BehaviourExpectation(skp_id=skp.id, value_code=value_code, expectation=wording))
    session.flush()
    note(session, "skp_expectations_set", actor, skp.instance_id,
         {"skp_id": skp.id, "values": sorted(expectations)})
    return skp


def set_status(session: Session, skp: Skp, status: str, actor: str, reason: str | None = None) -> Skp:
    """Move the SKP to diajukan, dikembalikan, disetujui (agreed) or ditutup (closed, with a reason)."""
    one_of("status", status, ("diajukan", "dikembalikan", "disetujui", "ditutup"))
    if skp.status == "ditutup":
        raise RecordInvalid(f"SKP {skp.id} is closed", skp_id=skp.id)
    if status == "ditutup":
        skp.closed_reason = text("alasan", reason)
    if status == "disetujui":
        skp.agreed_at = clock.now()
    skp.status = status
    session.flush()
    event_type = {"diajukan": "skp_submitted", "dikembalikan": "skp_returned", "disetujui": "skp_agreed",
                  "ditutup": "skp_closed"}[status]
    note(session, event_type, actor, skp.instance_id, {"skp_id": skp.id, "reason": reason})
    return skp


def record_realisation(session: Session, skp: Skp, iki_id: int, period: str, value: str | None, actor: str,
                       evidence_url: str | None = None, remark: str | None = None) -> Realisation:
    """Record what was achieved on one IKI of the SKP in a period, with its evidence link.

    Without a value the remark must explain why (nothing to report this period, data not yet in).
    """
    iki = session.get(Iki, iki_id)
    if iki is None or session.get(Rhk, iki.rhk_id).skp_id != skp.id:  # type: ignore[union-attr]
        raise RecordInvalid(f"IKI {iki_id} is not part of SKP {skp.id}", skp_id=skp.id)
    row = Realisation(iki_id=iki_id, period=text("periode", period, max_length=20),
                      value=text("nilai", None if value is None else str(value), required=not (remark or "").strip(),
                                 max_length=200),
                      evidence_url=text("bukti_dukung", evidence_url, required=False, max_length=1000),
                      note=text("catatan", remark, required=False), recorded_by=actor, recorded_at=clock.now())
    session.add(row)
    session.flush()
    note(session, "realisation_recorded", actor, skp.instance_id,
         {"skp_id": skp.id, "iki_id": iki_id, "period": row.period, "realisation_id": row.id})
    return row


def record_feedback(session: Session, skp: Skp, period: str, content: str, actor: str, *,
                    rhk_id: int | None = None, value_code: str | None = None,
                    author: Employee | None = None) -> Feedback:
    """Record continuous feedback on the SKP, one of its RHK or one BerAKHLAK value."""
    if value_code is not None:
        one_of("nilai_perilaku", value_code, BERAKHLAK)
    row = Feedback(skp_id=skp.id, rhk_id=rhk_id, value_code=value_code, period=text("periode", period),
                   text=text("umpan_balik", content), author_employee_id=author.id if author else None,
                   created_at=clock.now())
    session.add(row)
    session.flush()
    note(session, "feedback_given", actor, skp.instance_id, {"skp_id": skp.id, "feedback_id": row.id})
    return row


def record_coaching(session: Session, skp: Skp, held_on: date, coach: str, actor: str, *,
                    kind: str | None = None, notes: str | None = None, follow_up: str | None = None,
                    b18: dict[str, Any] | None = None, b19: dict[str, Any] | None = None) -> CoachingSession:
    """Record a coaching session with its B.1.8 and B.1.9 forms."""
    if kind is not None:
        one_of("jenis_bimbingan", kind, COACHING_KINDS)
    row = CoachingSession(skp_id=skp.id, held_on=held_on, coach=text("pembimbing", coach), kind=kind,
                          notes=text("topik", notes, required=False),
                          follow_up=text("rencana_tindak_lanjut", follow_up, required=False), b18=b18, b19=b19)
    session.add(row)
    session.flush()
    note(session, "coaching_recorded", actor, skp.instance_id,
         {"skp_id": skp.id, "coaching_id": row.id, "kind": kind, "held_on": held_on.isoformat()})
    return row
