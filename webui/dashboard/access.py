"""Who may open the dashboard, and over which OPDs: Pengelola Kinerja (their OPD, or the city), admin, Inspektorat."""

from __future__ import annotations

from flask import abort

from workflows.organisation import org

from ..auth.users import User, me

ROLES = ("pengelola_kinerja", "admin", "inspektorat")


def overseer() -> User:
    """Return the signed-in overseer; anyone else gets 404, as if the dashboard did not exist."""
    user = me()
    if not user.has_role(*ROLES):
        abort(404)
    return user


def scope_of(user: User) -> str | None:
    """Return the OPD code a scoped Pengelola Kinerja sees, or None for the whole city."""
    return user.scope_unit_code if user.has_role("pengelola_kinerja") and not user.has_role("admin") else None


def check_opd(user: User, opd_code: str) -> None:
    """Refuse (404) an OPD outside the user's scope, whatever the address says."""
    scope = scope_of(user)
    if scope is not None and opd_code != scope:
        abort(404)


def default_year() -> int:
    """Return the year the dashboard opens on: the current year in Samarinda."""
    return org.today().year
