"""The time and memory budget: a trace hook that stops sandboxed code past its deadline or memory cap.

The hook traces only sandboxed frames; registered functions (trusted application code, e.g. an ORM
lookup) run with tracing suspended (`untraced`), so database work done on a script's behalf does not pay
for it. Memory is the process's resident set, read from /proc every few milliseconds of sandboxed code
(where /proc is missing, only time is bounded): a script that grows it by more than
`LIMITS.memory_mb` (from its first reading, after 5 ms: shorter evaluations never read it) is stopped.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .errors import BudgetExceeded, MemoryBudgetExceeded
from .limits import LIMITS
from .policy import SANDBOX_FILENAME

#: Seconds of sandboxed code between two reads of the resident memory.
_MEMORY_CHECK_SECONDS = 0.005
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_statm: list[int | None] = []


def resident_bytes() -> int | None:
    """Return the process's resident memory in bytes, or None where /proc/self/statm is missing."""
    if not _statm:
        try:
            _statm.append(os.open("/proc/self/statm", os.O_RDONLY))
        except OSError:
            _statm.append(None)
    descriptor = _statm[0]
    if descriptor is None:
        return None
    return int(os.pread(descriptor, 128, 0).split()[1]) * _PAGE_BYTES


class _Budget:
    """A trace hook that stops sandboxed frames once the deadline has passed or memory grew too much."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.next_check = time.monotonic() + _MEMORY_CHECK_SECONDS
        # Read at the first check, not here: most evaluations end within a few ms and never pay for it.
        self.memory_cap: int | None = -1

    def on_call(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != SANDBOX_FILENAME:
            return None  # guards are trusted code: not traced
        # Per-opcode events: a one-line loop emits no 'line' events on CPython 3.11.
        frame.f_trace_opcodes = True
        return self.on_step(frame, event, arg)

    def on_step(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        now = time.monotonic()
        if now > self.next_check:
            # CPython removes a trace hook that raises; the policy makes sure no script code
            # (finally, __exit__, except-clause expressions) can run while this unwinds.
            if now > self.deadline:
                raise BudgetExceeded
            if self.memory_cap == -1:
                start = resident_bytes()
                self.memory_cap = None if start is None else start + LIMITS.memory_mb * 1024 * 1024
            elif self.memory_cap is not None and (resident_bytes() or 0) > self.memory_cap:
                raise MemoryBudgetExceeded
            self.next_check = min(now + _MEMORY_CHECK_SECONDS, self.deadline)
        return self.on_step


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    previous = sys.gettrace()
    sys.settrace(_Budget(seconds).on_call)
    try:
        yield
    finally:
        sys.settrace(previous)


def untraced(function: Callable[..., Any]) -> Callable[..., Any]:
    """Return function running with the budget's trace hook suspended (it is restored on return).

    A call that passes a callable (perhaps a script's own lambda) stays traced: trusted code might call it.
    """
    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        hook = sys.gettrace()
        if hook is None or any(callable(value) for value in (*args, *kwargs.values())):
            return function(*args, **kwargs)
        sys.settrace(None)
        try:
            return function(*args, **kwargs)
        finally:
            sys.settrace(hook)
    return call
