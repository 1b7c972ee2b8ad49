"""Sign-in, sign-out and password change pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from engine.errors import FormInvalid
from workflows.models.org import UserAccount
from workflows.signin import accounts

from ..extensions import db, limiter
from ..messages import field_error_text, field_errors, register_field_codes
from . import bp
from .forms import ChangePasswordForm, SignInForm
from .guard import forget_session
from .users import User, me

register_field_codes({
    "password_too_short": _l("The password must have at least %(count)s characters.",
                             count=accounts.PASSWORD_MIN_LENGTH),
    "password_has_username": _l("The password must not contain your NIP or username."),
    "password_demo_pattern": _l("The password must not start with kinerja- like the demo passwords."),
    "password_unchanged": _l("The new password must differ from the current one."),
    "password_wrong": _l("The current password is wrong."),
})


@bp.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded) -> ResponseReturnValue:
    """Say why sign-in is paused and what to do, instead of the generic 429 page."""
    message = _("After several wrong passwords, signing in is paused for a while for this account or this "
                "address. Wait a few minutes and try again, or ask the Kinerja administrator to reset your "
                "password.")
    return render_template("errors/error.html", status=429, message=message), 429


def _safe_next(target: str | None) -> str:
    """Return target when it is a path of this site, else the inbox (no open redirect)."""
    # Browsers read a leading "/\" like "//", the start of another site.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and not urlsplit(target).netloc:
        return target
    return url_for("inbox.index")


def _account_key() -> str:
    """Key sign-in attempts by the account typed (empty: the attempt checks no password, no count)."""
    username = (request.form.get("username") or "").strip().lower()[:100]
    return f"account:{username}" if username else ""


def _signed_in_key() -> str:
    return f"account:{current_user.username.lower()}" if current_user.is_authenticated else ""


def _failed(response: Response) -> bool:
    """Count only attempts whose password was checked and wrong (a user typing well is never blocked)."""
    return bool(g.get("password_failed"))


def _account_limit() -> str:
    return str(current_app.config["KINERJA_SIGN_IN_LIMIT_PER_ACCOUNT"])


def _address_limit() -> str:
    return str(current_app.config["KINERJA_SIGN_IN_LIMIT_PER_ADDRESS"])


def _start_session(account: UserAccount) -> None:
    """Sign account in on a fresh session: nothing of the signed-out session survives but the language."""
    forget_session()
    # Not permanent: the cookie dies with the browser, and its signature expires
    # KINERJA_SESSION_LIFETIME_HOURS after sign-in (Flask checks its age); "strong" protection applies.
    session.permanent = False
    login_user(User.of(account), remember=False)


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed,
               scope="sign-in-account")
@limiter.limit(_address_limit, key_func=get_remote_address, methods=["POST"], deduct_when=_failed,
               scope="sign-in-address")
def sign_in() -> ResponseReturnValue:
    """Show the sign-in form; sign the user in with NIP and password."""
    form = SignInForm()
    if form.validate_on_submit():
        account = accounts.authenticate(db.session, form.username.data, form.password.data)
        if account is not None:
            db.session.commit()  # an upgraded password hash
            _start_session(account)
            if account.must_change_password:
                return redirect(url_for(".change_password"))
            return redirect(_safe_next(request.args.get("next")))
        g.password_failed = True
        # One sentence for an unknown account, a wrong password and a disabled account.
        flash(_("The NIP or password is wrong, or the account is disabled."), "danger")
    return render_template("auth/sign_in.html", form=form)


@bp.post("/keluar")
def sign_out() -> ResponseReturnValue:
    """Sign the user out and forget the session (the language choice stays)."""
    logout_user()
    forget_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for(".sign_in"))


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
@limiter.limit(_account_limit, key_func=_signed_in_key, methods=["POST"], deduct_when=_failed,
               scope="password-change")
def change_password() -> ResponseReturnValue:
    """Let the signed-in user choose a new password (forced after a demo or temporary one)."""
    form = ChangePasswordForm()
    errors: dict[str, list[str]] = {}
    if form.validate_on_submit():
        account = db.session.get(UserAccount, me().account_id)
        assert account is not None  # the session's account was loaded for this request
        try:
            accounts.change_password(db.session, account, form.current_password.data, form.new_password.data)
        except FormInvalid as exc:
            db.session.rollback()
            g.password_failed = "current_password" in exc.errors
            errors = field_errors(exc)
        else:
            db.session.commit()
            _start_session(account)  # this session goes on; the others (old password) are signed out
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("inbox.index"))
    for name, found in form.errors.items():
        errors.setdefault(name, []).extend(str(e) for e in found)
    if form.errors and form.new_password.data:
        # Say everything wrong with the new password at once, not one round trip per rule.
        errors.setdefault("new_password", []).extend(
            field_error_text(code) for code in accounts.password_problems(form.new_password.data, me().username))
    return render_template("auth/change_password.html", form=form, errors=errors,
                           forced=me().must_change_password, min_length=accounts.PASSWORD_MIN_LENGTH)
