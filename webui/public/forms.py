"""The public feedback form: a score per BerAKHLAK value, a free text, a honeypot and a signed start time."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from workflows.publishing.public_feedback import ASPECTS, MAX_COMMENT, SCORES

#: What each value means to someone who was served at the counter (the legal names mean little there).
QUESTIONS: dict[str, Any] = {
    "berorientasi_pelayanan": _l("Were you served well, and were your needs understood?"),
    "akuntabel": _l("Were the requirements, costs and waiting time clear and honest?"),
    "kompeten": _l("Did the staff know their work and answer your questions?"),
    "harmonis": _l("Were the staff polite and respectful to everyone?"),
    "loyal": _l("Did the staff keep to the rules and refuse anything improper?"),
    "adaptif": _l("Did the service adapt to your situation and make things easy?"),
    "kolaboratif": _l("Did the staff work together and send you to the right place?"),
}
SCALE: dict[int, Any] = {1: _l("Very poor"), 2: _l("Poor"), 3: _l("Fair"), 4: _l("Good"), 5: _l("Very good")}
assert tuple(QUESTIONS) == ASPECTS


class FeedbackForm(FlaskForm):
    """The visitor's answers; every score is optional, at least one is needed (checked by the view)."""

    komentar = TextAreaField(_l("Your comments (optional)"), validators=[
        Optional(), Length(max=MAX_COMMENT, message=_l("Please keep it to %(max)d characters.", max=MAX_COMMENT))])
    #: A field people never see or fill in; a bot filling every input gives itself away.
    website = StringField(_l("Leave this field empty"))
    #: When the form was opened, signed so it cannot be set back.
    started = HiddenField()


for _aspect in ASPECTS:
    setattr(FeedbackForm, _aspect, RadioField(
        QUESTIONS[_aspect], choices=[SelectChoice(str(s), SCALE[s]) for s in SCORES], validators=[Optional()],
        validate_choice=False))


def scores_of(form: FeedbackForm) -> tuple[dict[str, int], dict[str, str]]:
    """Return the scores given by aspect (a skipped aspect is left out) and the aspects with a bad value."""
    scores, bad = {}, {}
    for aspect in ASPECTS:
        raw = getattr(form, aspect).data
        if not raw:
            continue
        if raw not in {str(s) for s in SCORES}:
            bad[aspect] = str(_l("Choose a score from 1 to 5."))
            continue
        scores[aspect] = int(raw)
    return scores, bad
