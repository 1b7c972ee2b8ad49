"""The public feedback form of a public-service unit: no sign-in, no personal data, limited per address."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from engine.errors import NotFound
from workflows.models.org import Unit
from workflows.publishing import public_feedback
from workflows.publishing.public_feedback import ASPECTS

from ..extensions import db, limiter
from . import bp
from .bots import check_start, start_token
from .forms import SCALE, FeedbackForm, scores_of


def _limit() -> str:
    return str(current_app.config["KINERJA_PUBLIC_FEEDBACK_LIMIT"])


def _unit_or_404(code: str) -> Unit:
    try:
        return public_feedback.public_service_unit(db.session, code)
    except NotFound:
        abort(404)


def _page(form: FeedbackForm, unit: Unit, errors: dict[str, list[str]], message: str | None = None,
          status: int = 200) -> ResponseReturnValue:
    form.started.data = start_token()  # every showing of the form starts the clock again
    return render_template("public/feedback.html", form=form, unit=unit, aspects=ASPECTS, scale=SCALE,
                           errors=errors, message=message), status


@bp.route("/umpan-balik/<code>", methods=["GET", "POST"])
@limiter.limit(_limit, key_func=get_remote_address, methods=["POST"], scope="public-feedback")
def feedback(code: str) -> ResponseReturnValue:
    """Show the feedback form of a public-service unit; store a person's answers, refuse a bot's."""
    unit = _unit_or_404(code)
    form = FeedbackForm()
    if not form.is_submitted():
        return _page(form, unit, {})
    if form.website.data:
        # A human never sees the field: say only that it did not work, store nothing.
        return _page(form, unit, {}, _("Your feedback could not be sent. Please reload the page and try again."), 400)
    started = check_start(form.started.data)
    if started == "invalid":
        return _page(form, unit, {}, _("The form was open too long or is not valid any more. "
                                       "Please check your answers and send them again."), 400)
    if started == "too_fast":
        return _page(form, unit, {}, _("The form was sent very quickly after it was opened. "
                                       "Please check your answers and send them again."), 400)
    errors: dict[str, list[str]] = {} if form.validate() else {k: list(v) for k, v in form.errors.items()}
    scores, bad = scores_of(form)
    errors.update({k: [v] for k, v in bad.items()})
    comment = (form.komentar.data or "").strip()
    if comment and public_feedback.contains_nik(comment):
        errors["komentar"] = [_("Please do not write a NIK or any other personal number here. "
                                "Remove the 16-digit number and send again.")]
    if not errors and not scores:
        return _page(form, unit, {}, _("Please rate at least one aspect."), 400)
    if errors:
        return _page(form, unit, errors, _("Please correct the marked answers."), 400)
    public_feedback.record_feedback(db.session, unit, scores, comment or None)
    db.session.commit()
    return redirect(url_for(".thanks", code=unit.code), 303)


@bp.get("/umpan-balik/<code>/terima-kasih")
def thanks(code: str) -> ResponseReturnValue:
    """Thank the visitor; say what happens with the answers."""
    return render_template("public/thanks.html", unit=_unit_or_404(code))
