"""The sign-in form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):  # type: ignore[misc]
    """NIP (or staff username) and password."""

    username = StringField(_l("NIP or username"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
