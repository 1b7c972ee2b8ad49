"""Automatic retries of a failed step whose activity has a retry time cycle (camunda:failedJobRetryTimeCycle).

Camunda runs a failing job up to n times in all (R3/PT5M: three attempts, five minutes apart) and leaves
an incident after the last. Kinerja does the same with its incidents: the failure is recorded as always
(status error, instance_failed) with the next attempt in error["auto_retry"] and its time in
instance.next_timer_at; the timer worker then retries the instance as an administrator would, audited as
instance_retried with the attempt number. After the last attempt the incident waits for an administrator.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.clock import clock
from engine.elements.mappings import RETRY_KEY

from .run import Run


def plan(run: Run, task: Any, error: dict[str, Any]) -> None:
    """Plan the next attempt of the failed step in error, when its activity's retry cycle has one left."""
    cycle = (getattr(getattr(task, "task_spec", None), "extensions", None) or {}).get(RETRY_KEY)
    if not cycle:
        return
    error["attempt"] = run.attempt
    if run.attempt >= cycle["times"]:
        return  # the last attempt failed: the incident is the administrator's
    now = clock.now()
    interval = TimerEventDefinition.get_timedelta_from_start(
        TimerEventDefinition.parse_iso_duration(cycle["every"]), now)
    error["auto_retry"] = {"attempt": run.attempt + 1, "of": cycle["times"], "due": (now + interval).isoformat()}


def due_at(error: dict[str, Any] | None) -> datetime | None:
    """Return when an instance in error is retried automatically, or None."""
    planned = (error or {}).get("auto_retry")
    return datetime.fromisoformat(planned["due"]) if planned else None


def attempt_of(error: dict[str, Any] | None) -> int | None:
    """Return the number of the automatic attempt an instance in error waits for, or None."""
    planned = (error or {}).get("auto_retry")
    return int(planned["attempt"]) if planned else None
