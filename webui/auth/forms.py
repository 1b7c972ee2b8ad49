"""The sign-in and password change forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

_REQUIRED = _l("This field must be filled in.")


class SignInForm(FlaskForm):  # type: ignore[misc]
    """NIP (or staff username) and password."""

    username = StringField(_l("NIP or username"), validators=[DataRequired(_REQUIRED), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_REQUIRED), Length(max=200)])


class ChangePasswordForm(FlaskForm):  # type: ignore[misc]
    """The current password and the new one, twice (the rules are checked by `workflows.signin.accounts`)."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_REQUIRED),
                                                                         Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    confirm_password = PasswordField(_l("New password again"), validators=[
        DataRequired(_REQUIRED), EqualTo("new_password", _l("The two new passwords are not the same."))])
