"""API tokens: issued with the secret shown once, stored hashed, revocable, audited without the secret."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.errors import InvalidInput, InvalidState, NotFound
from engine.models import AuditEvent
from workflows.models.org import ApiToken, UserAccount
from workflows.signin import accounts, api_tokens

from ..lifecycle import T0

ISSUED = re.compile(r"API token (\d+) \(([^)]*)\) for (\S+): (knj_\S+)")


@pytest.fixture
def staff(session: Session) -> UserAccount:
    clock.set(T0)
    created, _ = accounts.create_account(session, "pengelola.test", "operator", roles=["pengelola_kinerja"])
    session.commit()
    return created


def events(session: Session, kind: str) -> list[AuditEvent]:
    return list(session.execute(select(AuditEvent).where(AuditEvent.event_type == kind)).scalars())


def test_a_token_is_stored_as_a_hash_and_finds_its_account(session: Session, staff: UserAccount):
    token, secret = api_tokens.issue(session, staff, "laporan", "operator")
    session.commit()
    assert re.fullmatch(r"knj_[A-Za-z0-9_-]{43}", secret)
    assert token.token_hash == api_tokens.hash_secret(secret) and secret not in token.token_hash
    assert api_tokens.find_active(session, secret) is staff
    assert api_tokens.find_active(session, secret + "x") is None
    assert api_tokens.find_active(session, token.token_hash) is None  # the stored hash is no key
    assert api_tokens.find_active(session, "") is None


def test_issuing_and_revoking_are_audited_without_the_secret(session: Session, staff: UserAccount):
    token, secret = api_tokens.issue(session, staff, "laporan", "operator")
    api_tokens.revoke(session, token.id, "admin")
    session.commit()
    [issued] = events(session, "api_token_issued")
    [revoked] = events(session, "api_token_revoked")
    assert issued.actor == "operator" and revoked.actor == "admin"
    for event in (issued, revoked):
        data = json.loads(event.data)
        assert data["token_id"] == token.id and data["username"] == "pengelola.test"
        assert secret not in event.data and token.token_hash not in event.data


def test_a_revoked_token_or_a_disabled_account_is_refused(session: Session, staff: UserAccount):
    first, first_secret = api_tokens.issue(session, staff, "satu", "operator")
    _, second_secret = api_tokens.issue(session, staff, "dua", "operator")
    api_tokens.revoke(session, first.id, "operator")
    session.commit()
    assert api_tokens.find_active(session, first_secret) is None
    assert api_tokens.find_active(session, second_secret) is staff
    accounts.set_active(session, "pengelola.test", False, "operator")
    session.commit()
    assert api_tokens.find_active(session, second_secret) is None


def test_bad_requests_are_refused_and_store_nothing(session: Session, staff: UserAccount):
    with pytest.raises(InvalidInput):
        api_tokens.issue(session, staff, "  ", "operator")
    with pytest.raises(NotFound):
        api_tokens.revoke(session, 999, "operator")
    token, _ = api_tokens.issue(session, staff, "satu", "operator")
    api_tokens.revoke(session, token.id, "operator")
    with pytest.raises(InvalidState):
        api_tokens.revoke(session, token.id, "operator")
    staff.active = False
    with pytest.raises(InvalidState):
        api_tokens.issue(session, staff, "tiga", "operator")
    session.rollback()
    assert session.execute(select(ApiToken)).scalars().all() == []


def test_last_use_is_noted_at_most_once_a_minute(session: Session, staff: UserAccount):
    token, secret = api_tokens.issue(session, staff, "laporan", "operator")
    assert token.last_used_at is None
    api_tokens.find_active(session, secret)
    first = token.last_used_at
    assert first == T0
    clock.set(T0 + timedelta(seconds=30))
    api_tokens.find_active(session, secret)
    assert token.last_used_at == first
    clock.set(T0 + timedelta(minutes=2))
    api_tokens.find_active(session, secret)
    assert token.last_used_at == T0 + timedelta(minutes=2)


# type: ignore[no-untyped-def]
def test_the_cli_issues_lists_and_revokes_tokens(cli, session: Session, staff: UserAccount):
    session.rollback()
    output = cli("user", "token", "pengelola.test", "--name", "SIASN sync")
    found = ISSUED.search(output)
    assert found and found.group(2) == "SIASN sync" and found.group(3) == "pengelola.test"
    token_id, secret = int(found.group(1)), found.group(4)
    assert api_tokens.find_active(session, secret) is not None
    session.rollback()
    listed = cli("user", "tokens", "pengelola.test")
    assert f"{token_id}\tSIASN sync" in listed and "active" in listed and secret not in listed
    assert f"API token {token_id} revoked" in cli("user", "token-revoke", str(token_id))
    assert "revoked" in cli("user", "tokens", "pengelola.test")
    assert "already revoked" in cli("user", "token-revoke", str(token_id), code=1)
    assert "no account" in cli("user", "token", "tidak.ada", code=1)
    session.expire_all()
    assert api_tokens.find_active(session, secret) is None
