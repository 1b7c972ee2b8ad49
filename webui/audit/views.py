"""Routes of the audit area."""

from __future__ import annotations

from . import bp  # noqa: F401
