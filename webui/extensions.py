"""Flask extensions, bound to the engine's metadata and engine tuning; created once, bound per app."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from engine.db import Base, tune_sqlite

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
#: No default limits: only the sign-in form is limited (per account and per address, see `webui.auth`).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_db(app: Flask) -> None:
    """Bind Flask-SQLAlchemy; SQLite connections get the same pragmas as `engine.db.make_engine`."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            tune_sqlite(db.engine)
