"""Sign-in and sign-out pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select

from workflows.models.org import UserAccount

from ..extensions import db
from . import bp
from .forms import SignInForm
from .users import User


def _safe_next(target: str | None) -> str:
    """Return target when it is a path of this site, else the inbox (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("inbox.index")


@bp.route("/masuk", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    """Show the sign-in form; sign the user in with NIP and password."""
    form = SignInForm()
    if form.validate_on_submit():
        account = db.session.execute(select(UserAccount).where(
            UserAccount.username == form.username.data.strip())).scalar_one_or_none()
        if account is not None and account.active and account.check_password(form.password.data):
            login_user(User.of(account))
            return redirect(_safe_next(request.args.get("next")))
        flash(_("The NIP or password is wrong, or the account is disabled."), "danger")
    return render_template("auth/sign_in.html", form=form)


@bp.post("/keluar")
@login_required
def sign_out() -> ResponseReturnValue:
    """Sign the user out."""
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.sign_in"))
