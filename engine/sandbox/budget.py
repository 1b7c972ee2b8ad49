"""The time budget: a trace hook that stops sandboxed code once its deadline has passed."""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .errors import BudgetExceeded
from .policy import SANDBOX_FILENAME


class _Budget:
    """A trace hook that stops sandboxed frames once the deadline has passed."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def on_call(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != SANDBOX_FILENAME:
            return None  # registered functions and guards are trusted code: not traced
        # Per-opcode events: a one-line loop emits no 'line' events on CPython 3.11.
        frame.f_trace_opcodes = True
        return self.on_step(frame, event, arg)

    def on_step(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > self.deadline:
            # CPython removes a trace hook that raises; the policy makes sure no script code
            # (finally, __exit__, except-clause expressions) can run while this unwinds.
            raise BudgetExceeded
        return self.on_step


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    previous = sys.gettrace()
    sys.settrace(_Budget(seconds).on_call)
    try:
        yield
    finally:
        sys.settrace(previous)
