"""Minimal pages until the web inbox issue: a health check the run command and tests can call."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import func, select

from engine.models import HumanTask, Instance, SpecVersion

from .extensions import db

bp = Blueprint("core", __name__)


@bp.get("/health")
def health() -> object:
    """Report that the app and its database answer, with a few counts."""
    session = db.session
    counts = {
        "processes": session.execute(select(func.count(func.distinct(SpecVersion.process_id)))).scalar_one(),
        "instances": session.execute(select(func.count()).select_from(Instance)).scalar_one(),
        "open_tasks": session.execute(select(func.count()).select_from(HumanTask)
                                      .where(HumanTask.state == "open")).scalar_one(),
    }
    return jsonify(status="ok", **counts)
