"""The Flask application: sign-in, inbox, task pages, the appraisal page, and the operator CLI."""

from __future__ import annotations

import os
from dataclasses import fields
from typing import Any

from flask import Flask

from engine.audit import keys as audit_keys
from engine.config import Defaults, load_config
from engine.data_limits import DataLimits, set_data_limits
from engine.expressions.timer_bounds import set_timer_limits
from engine.runtime.human_tasks.assignment import set_operators_group, set_resolver
from engine.sandbox import set_sandbox_limits, set_time_budget
from workflows.appraisals import forms as appraisal_forms
from workflows.organisation.lanes import LaneResolver
from workflows.organisation.org import OrgSettings
from workflows.script_functions import register_all

from . import deployment
from .extensions import csrf, db, init_db, limiter, login_manager
from .ops.proxy import trust_proxies
from .settings import WebDefaults, load_web_settings

#: The areas of the site, each a package with a blueprint `bp` and templates under templates/<area>/.
AREAS = ("auth", "inbox", "tasks", "appraisals", "definitions", "audit", "dashboard", "public", "privacy", "api",
         "ops")


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Create the Flask application with settings from `KINERJA_*` variables and overrides."""
    app = Flask(__name__, instance_relative_config=True)
    config = load_config(overrides)
    app.config.update({f"KINERJA_{k}": v for k, v in config.items()})
    app.config.update({f"KINERJA_{k}": v for k, v in load_web_settings(overrides).items()})
    app.config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    # Flask's own settings (TESTING, RATELIMIT_*...) given as overrides reach the app as they are.
    known = {f.name for f in fields(Defaults)} | {f.name for f in fields(WebDefaults)}
    app.config.update({k: v for k, v in (overrides or {}).items() if k.isupper() and k not in known})
    # A weak key is tolerated only while debugging or testing, never in production mode.
    relaxed = not deployment.is_production(config["ENV"]) and (app.debug or app.testing)
    app.config["SECRET_KEY"] = deployment.secret_key(config, relaxed=relaxed, testing=app.testing)
    init_db(app)
    trust_proxies(app)  # nginx in front: the client's address for rate limits (docs/operations.md)
    set_time_budget(config["SCRIPT_TIMEOUT_SECONDS"])
    set_data_limits(DataLimits(config["MAX_INSTANCE_DATA_BYTES"], config["MAX_VARIABLE_BYTES"],
                               config["MAX_DATA_DEPTH"], config["MAX_DATA_KEY_LENGTH"]))
    set_timer_limits(config["TIMER_MIN_SECONDS"], config["TIMER_MAX_DAYS"])
    set_sandbox_limits(config)  # SCRIPT_MEMORY_MB, MAX_LOOP_CARDINALITY, MAX_INSTANCE_DATA_BYTES
    audit_keys.configure(config["AUDIT_KEY_FILE"] or os.path.join(config["INSTANCE_PATH"], audit_keys.FILE_NAME))
    # Appraisal lanes (Pegawai, Pejabat Penilai, ...) resolve through the organisation chart.
    set_resolver(LaneResolver(settings=OrgSettings.from_config(config)))
    set_operators_group(config["OPERATORS_GROUP"])
    register_all()  # the appraisal-record functions BPMN scripts call (docs/script-functions.md)
    appraisal_forms.register_all()  # skp_editor, realisasi_editor, pilih_rekan (docs/process-owners.md)
    _init_web(app)
    from .commands import register
    register(app)
    return app


def _init_web(app: Flask) -> None:
    """Bind the web extensions and register the areas' blueprints."""
    from importlib import import_module

    from . import errors, i18n, security, vendor, views
    i18n.init_i18n(app)
    security.init_security(app)
    errors.init_errors(app)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["KINERJA_RATELIMIT_STORAGE_URI"])
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None  # the sign-in page says why on its own
    from engine.clock import clock
    app.jinja_env.globals["now"] = clock.now  # macros see globals, not the context
    app.register_blueprint(views.bp)
    app.register_blueprint(vendor.bp)
    for area in AREAS:
        app.register_blueprint(import_module(f".{area}", __name__).bp)


__all__ = ["create_app", "db"]
