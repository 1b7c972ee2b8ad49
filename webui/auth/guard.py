"""The forced password change: while an account has a demo or temporary password, every page leads there."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from . import bp

#: What an account with a forced change may still reach: the change itself, signing out, assets, language.
ALLOWED = frozenset({"auth.change_password", "auth.sign_out", "static", "vendor.asset", "core.set_language",
                     "core.health"})


@bp.before_app_request
def _force_password_change() -> ResponseReturnValue | None:
    """Redirect a signed-in user who must change their password to the change page."""
    if request.endpoint is None or request.endpoint in ALLOWED:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None
