"""Timers at run time: evaluated durations, cycles and dates checked against the range, late cycles caught up once.

SpiffWorkflow evaluates a timer's expression when the timer starts waiting; a value outside the range
(`R/PT0S`, `P999999999Y`, a date centuries ahead or no date at all, from an expression or from a
definition deployed before the range was checked)
fails the step there, so the instance gets an incident instead of looping or computing for hours.

A cycle timer that is late by many intervals (`R/PT1S` with the worker an hour behind) would fire once
per missed interval, each firing running the path behind it. `catch_up` moves its next due time to the
last interval before now, so it fires once and goes on from the present; the missed repetitions of a
bounded cycle count as spent.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from engine.clock import clock
from engine.expressions import ExpressionError
from engine.expressions.timer_bounds import check_timer_bounds

_duration_has_fired = DurationTimerEventDefinition.has_fired
_cycle_complete = CycleTimerEventDefinition.cycle_complete
_date_has_fired = TimeDateEventDefinition.has_fired


def _checked(my_task: Any, expression: str, kind: str) -> None:
    """Evaluate a timer about to start waiting and refuse a value outside the allowed range."""
    value = my_task.workflow.script_engine.evaluate(my_task, expression)
    if not isinstance(value, str):
        return  # SpiffWorkflow refuses it itself, with its own message
    try:
        check_timer_bounds(value, kind)
    except ExpressionError as exc:
        name = my_task.task_spec.bpmn_name or my_task.task_spec.bpmn_id
        raise WorkflowTaskException(f"timer of {name}: {exc}", task=my_task) from exc


def _duration_has_fired_checked(self: DurationTimerEventDefinition, my_task: Any) -> Any:
    if my_task._get_internal_data("event_value") is None:
        _checked(my_task, self.expression, "timeDuration")
    return _duration_has_fired(self, my_task)


def _cycle_complete_checked(self: CycleTimerEventDefinition, my_task: Any) -> Any:
    if my_task._get_internal_data("event_value") is None:
        _checked(my_task, self.expression, "timeCycle")
    return _cycle_complete(self, my_task)


def _date_has_fired_checked(self: TimeDateEventDefinition, my_task: Any) -> Any:
    if my_task._get_internal_data("event_value") is None:
        _checked(my_task, self.expression, "timeDate")
    return _date_has_fired(self, my_task)


DurationTimerEventDefinition.has_fired = _duration_has_fired_checked
TimeDateEventDefinition.has_fired = _date_has_fired_checked
CycleTimerEventDefinition.cycle_complete = _cycle_complete_checked


def catch_up(workflow: BpmnWorkflow) -> None:
    """Move each waiting cycle timer late by more than one interval to its last interval before now."""
    now = clock.now()
    for task in workflow.event_manager.tasks.values():
        if not isinstance(task.task_spec.event_definition, CycleTimerEventDefinition):
            continue
        value = task.internal_data.get("event_value")
        if task.state != TaskState.WAITING or not isinstance(value, dict) or value.get("cycles") == 0:
            continue
        interval = float(value.get("duration") or 0)
        due = datetime.fromisoformat(value["next"])
        # The intervals that have passed before the last one still strictly before now.
        missed = math.ceil((now - due).total_seconds() / interval) - 1 if interval > 0 else 0
        if missed < 1:
            continue  # on time, or late by less than one interval: it fires as it is
        value["next"] = (due + timedelta(seconds=missed * interval)).isoformat()
        if value["cycles"] > 0:
            value["cycles"] = max(value["cycles"] - missed, 1)  # the last repetition still fires now
