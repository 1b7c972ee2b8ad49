"""What the printable SKP and Dokumen Evaluasi show: an appraisal's records with its signers' names and NIP."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Instance

from ..appraisals import appraisal_views
from ..appraisals.appraisal_access import CYCLE_PROCESS
from ..cycle import cycles
from ..models.org import Employee
from ..models.records import Signature


def cycle_instance(session: Session, nip: str, year: int) -> int | None:
    """Return the id of the employee's cycle of the year, or None."""
    return session.execute(select(Instance.id).where(Instance.process_id == CYCLE_PROCESS,
                                                     Instance.business_key == cycles.cycle_key(year, nip))
                           ).scalar_one_or_none()


def document_data(session: Session, instance_id: int, document: str) -> dict[str, Any] | None:
    """Return the records of the appraisal and, per signer role, who signed the document (name, NIP, when)."""
    records = appraisal_views.records(session, instance_id)
    if records is None:
        return None
    rows = list(session.execute(select(Signature).where(Signature.skp_id == records["skp"].id)
                                .order_by(Signature.id)).scalars())
    names = dict(session.execute(select(Employee.nip, Employee.name).where(
        Employee.nip.in_({r.signer for r in rows}))).all()) if rows else {}
    # The latest signature per role wins; who signed the SKP names the people of a document not signed yet.
    signed = {r.role: {"nip": r.signer, "nama": names.get(r.signer, r.signer), "signed_at": r.signed_at}
              for r in rows if r.document == document}
    people = {r.role: {"nip": r.signer, "nama": names.get(r.signer, r.signer)} for r in rows if r.document == "skp"}
    return {**records, "signed": signed, "people": {**people, **signed}}
