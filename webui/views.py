"""Pages of no area: the language switch (the health check is the ops area's)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from .i18n import LANGUAGE_KEY, LOCALES

bp = Blueprint("core", __name__)


@bp.post("/bahasa/<language>")
def set_language(language: str) -> ResponseReturnValue:
    """Switch the pages to another language and go back where the user was."""
    if language not in LOCALES:
        abort(404)
    session[LANGUAGE_KEY] = language
    back = request.form.get("next") or ""
    if not back.startswith("/") or back.startswith("//") or urlsplit(back).netloc:
        back = url_for("inbox.index")
    return redirect(back)
