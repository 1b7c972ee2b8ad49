"""The appraisal page (filled in by the appraisal-page work)."""

from __future__ import annotations

from flask import abort
from flask.typing import ResponseReturnValue
from flask_login import login_required

from . import bp


@bp.get("/<int:instance_id>")
@login_required
def show(instance_id: int) -> ResponseReturnValue:
    """Show one appraisal."""
    abort(404)
