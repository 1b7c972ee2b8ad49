"""Bearer tokens of the JSON API: issue (the secret shown once), revoke, list and look up; audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.errors import InvalidInput, InvalidState, NotFound

from ..models.org import ApiToken, UserAccount

#: Every secret starts with this, so a leaked one is easy to recognise (and to scan for in repositories).
PREFIX = "knj_"
#: Random bytes in a secret (URL-safe base64 of 32 bytes: 43 characters).
SECRET_BYTES = 32
NAME_MAX = 100
#: last_used_at is written at most this often, so reading through the API does not write on every call.
USE_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """Return the hex SHA-256 kept instead of the secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _described(token: ApiToken) -> dict[str, Any]:
    """Return what the audit trail keeps of a token (never the secret or its hash)."""
    return {"token_id": token.id, "name": token.name, "username": token.account.username}


def issue(session: Session, account: UserAccount, name: str, actor: str) -> tuple[ApiToken, str]:
    """Create a token for account; return it and its secret (shown once, never stored); flush."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(f"a token needs a name of 1 to {NAME_MAX} characters")
    if not account.active:
        raise InvalidState(f"account {account.username!r} is disabled")
    secret = PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken(account=account, name=name, token_hash=hash_secret(secret), created_at=clock.now())
    session.add(token)
    session.flush()
    audit.record(session, "api_token_issued", actor, data=_described(token))
    return token, secret


def revoke(session: Session, token_id: int, actor: str) -> ApiToken:
    """Revoke a token: it is refused from the next request on; flush."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no API token {token_id}")
    if token.revoked_at is not None:
        raise InvalidState(f"API token {token_id} is already revoked")
    token.revoked_at = clock.now()
    audit.record(session, "api_token_revoked", actor, data=_described(token))
    session.flush()
    return token


def tokens_of(session: Session, account: UserAccount) -> list[ApiToken]:
    """Return the account's tokens, revoked ones included, oldest first."""
    return list(session.execute(select(ApiToken).where(ApiToken.account_id == account.id)
                                .order_by(ApiToken.id)).scalars())


def find_active(session: Session, secret: str) -> UserAccount | None:
    """Return the active account of a valid, unrevoked secret and note its use; None otherwise.

    The lookup is by hash, so comparing takes the same time whatever the secret is.
    """
    if not secret.startswith(PREFIX):
        return None
    token = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.account.active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        token.last_used_at = now
        session.flush()
    return token.account
