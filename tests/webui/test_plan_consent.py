"""The consent page: an employee gives and withdraws the consent to publish their predikat, audited."""

from __future__ import annotations

from sqlalchemy import select

from engine.models import AuditEvent
from tests.webui.plan_fixtures import COLLEAGUE, EMPLOYEE
from workflows.models.records import Consent


def _consents(app) -> list[tuple[int, bool]]:  # type: ignore[no-untyped-def]
    from webui.extensions import db
    with app.app_context():
        rows = db.session.execute(select(Consent).order_by(Consent.id)).scalars()
        return [(c.employee_id, c.revoked_at is not None) for c in rows]


def _events(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from webui.extensions import db
    with app.app_context():
        return [(e.event_type, e.actor) for e in db.session.execute(
            select(AuditEvent).where(AuditEvent.event_type.in_(("consent_given", "consent_revoked")))
            .order_by(AuditEvent.id)).scalars()]


def test_an_employee_gives_and_withdraws_consent(app, as_user) -> None:  # type: ignore[no-untyped-def]
    employee = as_user(EMPLOYEE)
    inbox = employee.get("/").get_data(as_text=True)
    assert "/tugas/persetujuan-publikasi" in inbox  # reachable from the menu
    page = employee.get("/tugas/persetujuan-publikasi").get_data(as_text=True)
    assert "Persetujuan publikasi" in page and "2027" in page and "dipublikasikan" in page

    # Not ticking the statement is refused beside the box; nothing recorded.
    refused = employee.post_form("/tugas/persetujuan-publikasi", {"tahun": "2027", "action": "give"})
    assert refused.status_code == 422 and "Centang kotak" in refused.get_data(as_text=True)
    assert _consents(app) == [] and _events(app) == []

    given = employee.post_form("/tugas/persetujuan-publikasi", {"tahun": "2027", "action": "give", "setuju": "ya"})
    assert given.status_code == 302
    assert len(_consents(app)) == 1 and _events(app) == [("consent_given", EMPLOYEE)]
    page = employee.get("/tugas/persetujuan-publikasi?tahun=2027").get_data(as_text=True)
    assert "Tarik persetujuan saya" in page

    withdrawn = employee.post_form("/tugas/persetujuan-publikasi", {
        "tahun": "2027", "action": "withdraw", "alasan": "Saya berubah pikiran"}, token_page="/")
    assert withdrawn.status_code == 302
    assert _events(app) == [("consent_given", EMPLOYEE), ("consent_revoked", EMPLOYEE)]
    # A second withdrawal (a double submission) is refused and changes nothing.
    again = employee.post_form("/tugas/persetujuan-publikasi", {"tahun": "2027", "action": "withdraw"},
                               token_page="/")
    assert again.status_code == 409 and len(_events(app)) == 2


def test_consent_is_only_ones_own(app, as_user, client) -> None:  # type: ignore[no-untyped-def]
    # Staff accounts have no predikat to publish; another year than the employee's is not offered.
    assert as_user("bkpsdm").get("/tugas/persetujuan-publikasi").status_code == 404
    assert as_user(COLLEAGUE).get("/tugas/persetujuan-publikasi?tahun=1999").status_code == 404
    # Posting cannot name another employee: the consent is always the signed-in one's.
    colleague = as_user(COLLEAGUE)
    colleague.post_form("/tugas/persetujuan-publikasi", {"tahun": "2027", "action": "give", "setuju": "ya",
                                                         "nip": EMPLOYEE}, token_page="/")
    assert _events(app) == [("consent_given", COLLEAGUE)]
    assert client.get("/tugas/persetujuan-publikasi").status_code == 302  # signed out: to the sign-in page
