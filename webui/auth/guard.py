"""Per-request checks: a session whose account is gone is dropped; a forced password change comes first."""

from __future__ import annotations

from flask import redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..i18n import LANGUAGE_KEY
from . import bp

#: What an account with a forced change may still reach: the change itself, signing out, assets, language.
ALLOWED = frozenset({"auth.change_password", "auth.sign_out", "static", "vendor.asset", "core.set_language",
                     "ops.health"})


def forget_session() -> None:
    """Empty the session but for the language the user chose."""
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language


@bp.before_app_request
def _check_session() -> ResponseReturnValue | None:
    """Drop a disabled account's session for good; send a user who must change their password there."""
    if request.blueprint == "api":
        return None  # the API authenticates each call by its bearer token, never by the session
    if not current_user.is_authenticated:
        if "_user_id" in session:
            # Disabled, removed, or its password changed elsewhere: enabling it again must not revive this.
            forget_session()
        return None
    if current_user.must_change_password and request.endpoint is not None and request.endpoint not in ALLOWED:
        return redirect(url_for("auth.change_password"))
    return None
