"""What is running now: lets application functions called from scripts and resolvers reach the session.

Scripts run inside SpiffWorkflow with only task data; functions the application registers with the
sandbox (and assignment resolvers) read the current session and instance from here, so they write in
the same transaction as the engine step that called them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session


class Noter(Protocol):
    """Queues an audit event of the running instance, saved with the step (same chain, same order)."""

    def __call__(self, event_type: str, data: dict[str, Any] | None = None, human_task_id: int | None = None,
                 actor: str | None = None) -> None: ...


def _no_note(event_type: str, data: dict[str, Any] | None = None, human_task_id: int | None = None,
             actor: str | None = None) -> None:
    raise RuntimeError("this run does not record audit events")


@dataclass(frozen=True)
class RunContext:
    """The session, instance and actor of the engine step in progress, and how to audit within it."""

    session: Session
    instance_id: int
    process_id: str
    business_key: str
    actor: str
    #: Record an event of this instance: the step holds its chain head, so events must go through it.
    note: Noter = field(default=_no_note)


_current: ContextVar[RunContext | None] = ContextVar("kinerja_run", default=None)


@contextmanager
def running(context: RunContext) -> Iterator[RunContext]:
    """Make context current while the block runs (nesting restores the outer one)."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_run() -> RunContext:
    """Return the engine step in progress; raise RuntimeError outside one."""
    context = _current.get()
    if context is None:
        raise RuntimeError("no engine step is running: this function can only be called from a process")
    return context
