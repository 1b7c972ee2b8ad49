"""What every script function shares: the SKP of the running step and the actor as an employee."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.context import current_run

from ..models.org import Employee
from ..models.skp import Skp
from ..planning import skp


def skp_of_step() -> tuple[Any, Skp]:
    """Return the running step and its instance's SKP (refused when the instance has none yet)."""
    run = current_run()
    return run, skp.require_skp(run.session, run.instance_id)


def employee_of_actor(run: Any) -> Employee | None:
    """Return the employee whose NIP is the step's actor (users sign in with their NIP), or None."""
    return run.session.execute(select(Employee).where(Employee.nip == run.actor)).scalar_one_or_none()
