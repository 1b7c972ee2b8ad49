"""Language and time zone of the pages: Bahasa Indonesia and WITA unless the user chose otherwise.

Each area keeps its own catalogue (`translations/<locale>/LC_MESSAGES/<area>.po`); Flask-Babel merges
them, so a string is looked up in all of them. `make install` compiles them; `compile_catalogues` does
the same for a checkout whose catalogues changed since.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime

from .extensions import babel

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
#: The catalogues: shared pages and one per area.
DOMAINS = ("base", "auth", "inbox", "tasks", "forms_plan", "forms_rating", "appraisals", "definitions", "audit",
           "dashboard", "public", "privacy", "api")
LOCALES = ("id", "en")
#: The session key of the language the user chose.
LANGUAGE_KEY = "language"


def select_locale() -> str:
    """Return the user's chosen language, else the configured default (id)."""
    chosen = session.get(LANGUAGE_KEY)
    if chosen in LOCALES:
        return str(chosen)
    return str(current_app.config["KINERJA_DEFAULT_LOCALE"])


def select_timezone() -> str:
    """Return the time zone of the pages (WITA for Samarinda)."""
    return str(current_app.config["KINERJA_TIMEZONE"])


def compile_catalogues() -> None:
    """Compile every `.po` catalogue whose `.mo` is missing or older (written atomically)."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        partial = mo.with_suffix(f".mo.{os.getpid()}")
        with partial.open("wb") as target:
            write_mo(target, catalog)
        os.replace(partial, mo)


def _when(value: Any, style: str = "medium") -> str:
    """Format a date or datetime in the page's language and time zone ('' for none)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, style)
    if isinstance(value, date):
        return format_date(value, style)
    return str(value)


def _day(value: Any, style: str = "medium") -> str:
    """Format the day of a date or datetime (in the page's time zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        from flask_babel import to_user_timezone
        value = to_user_timezone(value).date()
    return format_date(value, style)


def init_i18n(app: Flask) -> None:
    """Configure Flask-Babel with the area catalogues and add the date filters to Jinja."""
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join([str(TRANSLATIONS)] * len(DOMAINS))
    app.config["BABEL_DOMAIN"] = ";".join(DOMAINS)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["KINERJA_DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["KINERJA_TIMEZONE"]
    compile_catalogues()
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["when"] = _when
    app.jinja_env.filters["day"] = _day
    app.jinja_env.add_extension("jinja2.ext.i18n")

    @app.context_processor
    def _language() -> dict[str, Any]:
        return {"current_language": select_locale(), "languages": LOCALES,
                "current_path": request.full_path.rstrip("?")}


#: The sources of each area's catalogue (globs relative to the repository root).
SOURCES = {
    "base": ["webui/*.py", "webui/templates/*.html", "webui/templates/errors/*.html",
             "webui/templates/macros/*.html"],
    "auth": ["webui/auth/*.py", "webui/templates/auth/*.html", "webui/commands/user.py"],
    "inbox": ["webui/inbox/*.py", "webui/templates/inbox/*.html"],
    "tasks": ["webui/tasks/*.py", "webui/templates/tasks/*.html"],
    "forms_plan": ["webui/tasks/custom/plan_*.py", "webui/templates/tasks/custom/plan_*.html"],
    "forms_rating": ["webui/tasks/custom/rating_*.py", "webui/templates/tasks/custom/rating_*.html"],
    "appraisals": ["webui/appraisals/*.py", "webui/templates/appraisals/*.html"],
    "definitions": ["webui/definitions/*.py", "webui/templates/definitions/*.html"],
    "audit": ["webui/audit/*.py", "webui/templates/audit/*.html"],
    "dashboard": ["webui/dashboard/*.py", "webui/templates/dashboard/*.html"],
    "public": ["webui/public/*.py", "webui/templates/public/*.html"],
    "privacy": ["webui/privacy/*.py", "webui/templates/privacy/*.html"],
    "api": ["webui/api/*.py", "webui/templates/api/*.html"],
}
