"""What is running now: lets application functions called from scripts and resolvers reach the session.

Scripts run inside SpiffWorkflow with only task data; functions the application registers with the
sandbox (and assignment resolvers) read the current session and instance from here, so they write in
the same transaction as the engine step that called them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class RunContext:
    """The session, instance and actor of the engine step in progress."""

    session: Session
    instance_id: int
    process_id: str
    business_key: str
    actor: str


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
