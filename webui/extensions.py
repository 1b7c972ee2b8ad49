"""Flask extensions, bound to the engine's metadata and engine tuning."""

from __future__ import annotations

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from engine.db import Base, tune_sqlite

db = SQLAlchemy(model_class=Base)


def init_db(app: Flask) -> None:
    """Bind Flask-SQLAlchemy; SQLite connections get the same pragmas as `engine.db.make_engine`."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            tune_sqlite(db.engine)
