"""Routes of the dashboard area."""

from __future__ import annotations

from . import bp  # noqa: F401
