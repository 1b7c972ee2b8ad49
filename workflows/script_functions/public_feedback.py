"""umpan_balik_rekan: the public's averages from the feedback form, in the shape `umpan_balik_publik` takes."""

from __future__ import annotations

from typing import Any

from engine.clock import clock

from ..models.org import Unit
from ..publishing import public_feedback
from .common import skp_of_step


def umpan_balik_publik_unit() -> dict[str, Any] | None:
    """Return `{sumber, nilai}` of this SKP's unit and year from the public feedback form, or None without answers.

    Answers about the unit and the public-service units above it count (a Seksi serves through its
    Dinas); only answers given until now, so a replayed step reads what it read then.
    """
    run, found = skp_of_step()
    unit = run.session.get(Unit, found.unit_id)
    if unit is None:
        return None
    return public_feedback.survey(run.session, unit, found.year, until=clock.now())
