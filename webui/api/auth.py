"""Bearer-token authentication of the JSON API: `token_required` puts the token's user on `flask.g`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, request

from workflows.signin import api_tokens

from ..auth.users import User
from ..extensions import db

F = TypeVar("F", bound=Callable[..., Any])
#: Sent with every 401 (RFC 6750), so a client knows to present a bearer token.
CHALLENGE = 'Bearer realm="kinerja"'


def bearer_secret() -> str | None:
    """Return the secret of the request's `Authorization: Bearer` header, if any."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _authenticate() -> User:
    secret = bearer_secret()
    account = api_tokens.find_active(db.session, secret) if secret else None
    if account is None:
        db.session.rollback()
        abort(401, "a valid bearer token is required (Authorization: Bearer knj_...)")
    user = User.of(account)
    # Only last_used_at may have changed: kept even when the call itself is refused later.
    db.session.commit()
    return user


def api_user() -> User:
    """Return the user of the request's bearer token, or answer a JSON 401."""
    user = g.get("api_user")
    if user is None:
        user = g.api_user = _authenticate()
    return cast(User, user)


def token_required(view: F) -> F:
    """Let the view run only with a valid bearer token; its user is `flask.g.api_user`."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        api_user()
        return view(*args, **kwargs)
    return cast(F, wrapped)
