"""Who may work on process definitions: process owners (`pemilik_proses`) and admin."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

#: The roles that may see, edit, check and deploy definitions.
OWNER_ROLES = ("pemilik_proses", "admin")


def is_owner() -> bool:
    """Return whether the signed-in user is a process owner."""
    return bool(current_user.is_authenticated and current_user.has_role(*OWNER_ROLES))


def owner_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let only process owners through; anyone else signed in gets 403."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not is_owner():
            abort(403)
        return view(*args, **kwargs)
    return login_required(wrapped)
