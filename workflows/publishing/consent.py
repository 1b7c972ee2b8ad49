"""The employee's consent to publish their own result: given and withdrawn with time and text, audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock

from ..appraisals.records import RecordInvalid, note, text, year
from ..models.org import Employee
from ..models.records import Consent

#: The consent scope that lets an individual predikat be published (UU 14/2008 Ps 18: written consent).
PUBLICATION_SCOPE = "publikasi_predikat"
#: The statement recorded when the caller gives none (a form's fixed wording).
DEFAULT_TEXT = "Saya menyetujui hasil penilaian kinerja saya tahun {tahun} dipublikasikan."
MAX_TEXT = 2000


def give_consent(session: Session, employee: Employee, tahun: int, actor: str,
                 scope: str = PUBLICATION_SCOPE, teks: str | None = None) -> Consent:
    """Record the employee's consent to publish their result of a year (kept until withdrawn).

    Consent already valid is returned as it is: giving it twice changes nothing.
    """
    tahun = year(tahun)
    statement = text("teks", teks, required=False, max_length=MAX_TEXT) or DEFAULT_TEXT.format(tahun=tahun)
    consent = valid_consent(session, employee, tahun, scope)
    if consent is not None:
        return consent
    consent = Consent(employee_id=employee.id, year=tahun, scope=text("lingkup", scope, max_length=50),
                      given_at=clock.now(), text=statement)
    session.add(consent)
    session.flush()
    note(session, "consent_given", actor, None, {"nip": employee.nip, "tahun": tahun, "scope": scope,
                                                 "consent_id": consent.id, "teks": statement})
    return consent


def revoke_consent(session: Session, employee: Employee, tahun: int, actor: str,
                   scope: str = PUBLICATION_SCOPE, teks: str | None = None) -> Consent:
    """Withdraw the employee's valid consent of a year (UU 27/2022: consent may be withdrawn).

    Refused, changing nothing, when there is no valid consent (never given, or already withdrawn).
    """
    tahun = year(tahun)
    statement = text("teks", teks, required=False, max_length=MAX_TEXT)
    consent = valid_consent(session, employee, tahun, scope)
    if consent is None:
        raise RecordInvalid(f"{employee.nip} has no valid consent {scope!r} for {tahun}: nothing to withdraw",
                            nip=employee.nip, tahun=tahun)
    consent.revoked_at = clock.now()
    consent.revocation_text = statement
    session.flush()
    note(session, "consent_revoked", actor, None, {"nip": employee.nip, "tahun": tahun, "scope": scope,
                                                   "consent_id": consent.id, "teks": statement})
    return consent


def valid_consent(session: Session, employee: Employee, tahun: int, scope: str = PUBLICATION_SCOPE
                  ) -> Consent | None:
    """Return the employee's unrevoked consent of a year and scope, if any."""
    return session.execute(select(Consent).where(
        Consent.employee_id == employee.id, Consent.year == tahun, Consent.scope == scope,
        Consent.revoked_at.is_(None)).order_by(Consent.id.desc()).limit(1)).scalar_one_or_none()


def consent_history(session: Session, employee: Employee, tahun: int) -> list[Consent]:
    """Return every consent of the employee for a year, oldest first (withdrawn ones included)."""
    return list(session.execute(select(Consent).where(
        Consent.employee_id == employee.id, Consent.year == tahun).order_by(Consent.id)).scalars())
