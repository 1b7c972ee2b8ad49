"""Consent to publish one's own result: given and withdrawn with time and text, audited, by command."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine import audit
from engine.clock import clock
from engine.models import AuditEvent
from workflows.appraisals.records import RecordInvalid
from workflows.models import Consent
from workflows.publishing import consent, documents

GIVEN = datetime(2028, 2, 10, 1, 30, tzinfo=UTC)
WITHDRAWN = datetime(2028, 3, 1, 2, 0, tzinfo=UTC)


def consents(sessions) -> list[Consent]:
    with sessions() as session:
        return list(session.execute(select(Consent).order_by(Consent.id)).scalars())


def trail(session, event_type: str) -> list[dict]:
    return [json.loads(e.data) for e in session.execute(
        select(AuditEvent).where(AuditEvent.event_type == event_type).order_by(AuditEvent.id)).scalars()]


def test_consent_is_given_and_withdrawn_with_time_and_text(session, chart):
    staf = chart.people["staf"]
    clock.set(GIVEN)
    given = consent.give_consent(session, staf, 2027, staf.nip, teks="Saya setuju predikat saya diumumkan.")
    session.commit()
    assert (given.given_at.replace(tzinfo=UTC), given.text) == (GIVEN, "Saya setuju predikat saya diumumkan.")
    assert consent.valid_consent(session, staf, 2027) is given
    clock.set(WITHDRAWN)
    withdrawn = consent.revoke_consent(session, staf, 2027, staf.nip, teks="Saya menarik persetujuan.")
    session.commit()
    assert withdrawn.revoked_at.replace(tzinfo=UTC) == WITHDRAWN
    assert withdrawn.revocation_text == "Saya menarik persetujuan."
    assert consent.valid_consent(session, staf, 2027) is None
    # Both are audited with who, what and the text, on the global chain.
    assert [(e["nip"], e["teks"]) for e in trail(session, "consent_given")] == [
        (staf.nip, "Saya setuju predikat saya diumumkan.")]
    assert [(e["nip"], e["teks"]) for e in trail(session, "consent_revoked")] == [
        (staf.nip, "Saya menarik persetujuan.")]
    assert audit.verify(session) == []
    # Given again later, it is a new consent: the history keeps both.
    consent.give_consent(session, staf, 2027, staf.nip, teks="Setuju lagi")
    assert [c.text for c in consent.consent_history(session, staf, 2027)] == [
        "Saya setuju predikat saya diumumkan.", "Setuju lagi"]


def test_withdrawing_twice_is_refused_and_changes_nothing(session, chart):
    staf = chart.people["staf"]
    consent.give_consent(session, staf, 2027, staf.nip, teks="Setuju")
    consent.revoke_consent(session, staf, 2027, staf.nip, teks="Tarik")
    session.commit()
    before = [(c.revoked_at, c.revocation_text) for c in consent.consent_history(session, staf, 2027)]
    with pytest.raises(RecordInvalid, match=r"no valid consent .* nothing to withdraw"):
        consent.revoke_consent(session, staf, 2027, staf.nip, teks="Tarik lagi")
    session.rollback()
    assert [(c.revoked_at, c.revocation_text) for c in consent.consent_history(session, staf, 2027)] == before
    assert len(trail(session, "consent_revoked")) == 1


def test_documents_still_offers_the_consent_functions(session, chart):
    staf = chart.people["staf"]
    documents.give_consent(session, staf, 2027, staf.nip)
    assert documents.valid_consent(session, staf, 2027).text == consent.DEFAULT_TEXT.format(tahun=2027)


def test_consent_command(cli, sessions, chart):
    nip = chart.people["staf"].nip
    out = cli("consent", "give", "--nip", nip, "--tahun", "2027", "--teks", "Saya setuju dipublikasikan")
    assert f"{nip} 2027: persetujuan publikasi dicatat pada" in out
    assert "sudah berlaku" in cli("consent", "give", "--nip", nip, "--tahun", "2027", "--teks", "Lagi")
    out = cli("consent", "withdraw", "--nip", nip, "--tahun", "2027", "--teks", "Saya tarik")
    assert "ditarik pada" in out
    [row] = consents(sessions)
    assert (row.text, row.revocation_text, row.revoked_at is not None) == (
        "Saya setuju dipublikasikan", "Saya tarik", True)
    # Withdrawing twice: a clear error, exit 1, nothing changed.
    out = cli("consent", "withdraw", "--nip", nip, "--tahun", "2027", "--teks", "Lagi", code=1)
    assert "nothing to withdraw" in out
    assert [(c.revoked_at, c.revocation_text) for c in consents(sessions)] == [(row.revoked_at, "Saya tarik")]
    own = json.loads(cli("audit", "employee", "--nip", nip, "--tahun", "2027"))
    assert [(e["event_type"], e["data"]["teks"]) for e in own] == [
        ("consent_given", "Saya setuju dipublikasikan"), ("consent_revoked", "Saya tarik")]
    listed = cli("consent", "list", "--nip", nip, "--tahun", "2027")
    assert "diberikan: Saya setuju dipublikasikan" in listed and "ditarik: Saya tarik" in listed
    assert "no employee with NIP '199912312020121001'" in cli(
        "consent", "give", "--nip", "199912312020121001", "--tahun", "2027", "--teks", "x", code=1)
