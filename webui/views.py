"""Pages of no area: the health check and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from engine.models import HumanTask, Instance, SpecVersion

from .extensions import db
from .i18n import LANGUAGE_KEY, LOCALES

bp = Blueprint("core", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    """Report that the app and its database answer, with a few counts."""
    session_ = db.session
    counts = {
        "processes": session_.execute(select(func.count(func.distinct(SpecVersion.process_id)))).scalar_one(),
        "instances": session_.execute(select(func.count()).select_from(Instance)).scalar_one(),
        "open_tasks": session_.execute(select(func.count()).select_from(HumanTask)
                                       .where(HumanTask.state == "open")).scalar_one(),
    }
    return jsonify(status="ok", **counts)


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
