"""Common ground of the appraisal records: the refusal type, validation and audit events.

Every domain function takes a session first, flushes and never commits (the CLI command, web view or
engine step commits once), and writes an audit event in the same transaction.

Audit events inside an engine step: the engine keeps the instance's audit chain head in memory and
writes it back with the instance row when the step saves, so appending to that chain in the middle of
a step would fork it. Events of a function called while a step runs go through the step
(`engine.context.RunContext.note`) and are saved with its own events, in the order they happened.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.context import RunContext, current_run
from engine.errors import KinerjaError


class RecordInvalid(KinerjaError):
    """A domain record was refused: a bad value, a missing SKP, a wrong state."""

    code = "record_invalid"


def one_of(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """Return value when it is one of allowed, else refuse naming the field and the choices."""
    if not isinstance(value, str) or value not in allowed:
        raise RecordInvalid(f"{name} must be one of {', '.join(allowed)}, not {value!r}",
                            field=name, value=audit.json_safe(value), allowed=list(allowed))
    return value


def text(name: str, value: Any, *, required: bool = True, max_length: int | None = None) -> str | None:
    """Return value stripped; refuse a missing required text, a non-text or one that is too long."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RecordInvalid(f"{name} is required", field=name)
        return None
    if not isinstance(value, str):
        raise RecordInvalid(f"{name} must be text, not {type(value).__name__}", field=name)
    cleaned: str = value.strip()
    if max_length is not None and len(cleaned) > max_length:
        raise RecordInvalid(f"{name} is longer than {max_length} characters", field=name)
    return cleaned


def year(value: Any) -> int:
    """Return value as a plausible appraisal year, else refuse."""
    if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
        raise RecordInvalid(f"tahun must be a year such as 2027, not {value!r}", field="tahun")
    return value


def note(session: Session, event_type: str, actor: str, instance_id: int | None,
         data: dict[str, Any]) -> None:
    """Record an audit event: through the running step when it is that instance's, else at once.

    A step holds its instance's chain head until it saves, so an event of that instance written
    directly would fork the chain; the step queues it with its own events instead.
    """
    run = _current()
    if run is not None and instance_id == run.instance_id:
        run.note(event_type, audit.json_safe(data), actor=actor)
        return
    audit.record(session, event_type, actor, instance_id=instance_id, data=data)


def _current() -> RunContext | None:
    try:
        return current_run()
    except RuntimeError:
        return None
