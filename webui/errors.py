"""Error pages in the user's language: 403, 404, 429 and 500 never show a stack trace or English internals."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from engine.db.races import as_refusal, lost_race
from engine.errors import Forbidden, KinerjaError, NotFound

from .messages import error_text


def init_errors(app: Flask) -> None:
    """Render HTTP errors and unhandled engine refusals as pages."""

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        if request.path.startswith("/api/"):
            # Unknown API paths and methods (no view, so no blueprint handler) answer in JSON too.
            from .api.errors import http_error
            return http_error(error)
        return render_template("errors/error.html", status=code), code

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> ResponseReturnValue:
        # A form without this session's token (expired, or sent from another site): nothing was done.
        message = _("The form has expired or did not come from this site, so nothing was saved. "
                    "Go back, reload the page and try again.")
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(KinerjaError)
    def _refused(error: KinerjaError) -> ResponseReturnValue:
        # A refusal a view did not handle itself: its sentence on an error page, nothing stored.
        from .extensions import db
        db.session.rollback()
        status = 404 if isinstance(error, NotFound) else 403 if isinstance(error, Forbidden) else 409
        return render_template("errors/error.html", status=status, message=error_text(error)), status

    @app.errorhandler(OperationalError)
    @app.errorhandler(StaleDataError)
    def _race(error: Exception) -> ResponseReturnValue:
        # A request that lost a race for the same rows (deadlock, serialization, a locked SQLite
        # database) was rolled back whole: a 409 to try again, not a 500.
        if not lost_race(error):
            raise error
        if request.path.startswith("/api/"):
            from .api.errors import race_lost
            return race_lost(error)
        return _refused(as_refusal(error))
