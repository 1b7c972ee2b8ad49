"""Engine and domain refusals as sentences for the pages: a stable code in, a translated sentence out.

Form error codes (`engine.forms.codes`) are shown beside their field; an area whose forms add codes of
their own registers their sentences with `register_field_codes`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from engine.errors import KinerjaError

#: code → sentence, for refusals of a whole action.
ERRORS: dict[str, Any] = {
    "not_found": _l("What you asked for does not exist, or you may not see it."),
    "forbidden": _l("You may not do this."),
    "conflict": _l("This has changed in the meantime (perhaps someone else already did it). "
                   "Reload the page to see how it stands now."),
    "race_lost": _l("Someone else was changing the same appraisal at the same moment, so nothing was saved. "
                    "Reload the page and try again."),
    "invalid_input": _l("The input is not complete or not valid."),
    "invalid_state": _l("This is not possible in the current state of the process."),
    "form_invalid": _l("Some fields are not filled in correctly. See the notes beside them."),
    "script_failed": _l("The process stopped on an error. The operators have been told."),
    "validation_failed": _l("The process definition has problems."),
    "data_too_large": _l("Together with what the process holds already, this is more data than may be stored. "
                         "Nothing was saved: shorten the entries."),
    "tampered": _l("This record was changed outside Kinerja, so it is not used. The auditors see which one in "
                   "the chain verification."),
}

#: form error code → sentence beside the field.
FIELD_ERRORS: dict[str, Any] = {
    "required": _l("This field must be filled in."),
    "too_short": _l("This text is too short."),
    "too_long": _l("This text is too long."),
    "below_minimum": _l("This value is below the lowest allowed."),
    "above_maximum": _l("This value is above the highest allowed."),
    "too_few_items": _l("There are too few entries."),
    "too_many_items": _l("There are too many entries."),
    "not_in_choices": _l("Choose one of the options given."),
    "invalid_type": _l("This value is not of the right kind."),
    "invalid_number": _l("Enter a whole number."),
    "invalid_boolean": _l("Choose yes or no."),
    "invalid_date": _l("Enter a valid date."),
    "invalid_format": _l("This value does not have the expected form."),
    "duplicate": _l("The same entry is given twice."),
    "unknown_field": _l("This form has no such field."),
    "invalid": _l("This value is not valid."),
    "too_large": _l("This value is too large to be stored."),
    "too_deep": _l("This value is nested too deeply."),
    "key_too_long": _l("A name in this value is too long."),
    "not_finite": _l("Enter a finite number."),
    # Codes of the appraisal's own checks shared by several forms (workflows/appraisals/forms.py).
    "unknown_record": _l("This entry does not belong here (reload the page)."),
    "incomplete": _l("Some entries are missing: fill in every one."),
}


def register_field_codes(sentences: dict[str, Any]) -> None:
    """Add the sentences of an area's own form error codes (lazy_gettext strings)."""
    FIELD_ERRORS.update(sentences)


def error_text(error: KinerjaError) -> str:
    """Return the sentence for a refusal."""
    return str(ERRORS.get(error.code, ERRORS["invalid_input"]))


def field_error_text(code: str) -> str:
    """Return the sentence for a form error code (the generic one for an unknown code)."""
    return str(FIELD_ERRORS.get(code, FIELD_ERRORS["invalid"]))


def field_errors(error: KinerjaError) -> dict[str, list[str]]:
    """Return {field path: [sentences]} of a form refusal (empty for any other refusal)."""
    found: dict[str, list[str]] = {}
    for item in getattr(error, "items", []) if error.code == "form_invalid" else []:
        found.setdefault(item["path"], []).append(field_error_text(item["code"]))
    return found

