"""The Flask application: sign-in, inbox, forms, diagrams, history (later issues) and the operator CLI."""

from __future__ import annotations

from typing import Any

from flask import Flask

from engine.config import load_config
from engine.runtime.assignment import set_operators_group, set_resolver
from engine.sandbox import set_time_budget
from workflows import forms as appraisal_forms
from workflows.lanes import LaneResolver
from workflows.org import OrgSettings
from workflows.script_functions import register_all

from .extensions import db, init_db


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Create the Flask application with settings from `KINERJA_*` variables and overrides."""
    app = Flask(__name__, instance_relative_config=True)
    config = load_config(overrides)
    app.config.update({f"KINERJA_{k}": v for k, v in config.items()})
    app.config["SECRET_KEY"] = config["SECRET_KEY"]
    app.config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    init_db(app)
    set_time_budget(config["SCRIPT_TIMEOUT_SECONDS"])
    # Appraisal lanes (Pegawai, Pejabat Penilai, ...) resolve through the organisation chart.
    set_resolver(LaneResolver(settings=OrgSettings.from_config(config)))
    set_operators_group(config["OPERATORS_GROUP"])
    register_all()  # the appraisal-record functions BPMN scripts call (docs/script-functions.md)
    appraisal_forms.register_all()  # skp_editor, realisasi_editor, pilih_rekan (docs/process-owners.md)
    from .views import bp
    app.register_blueprint(bp)
    from .commands import register
    register(app)
    return app


__all__ = ["create_app", "db"]
