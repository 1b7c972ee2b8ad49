"""Loops that could never run within MAX_LOOP_CARDINALITY, refused at validation.

A multi-instance loop cardinality that is a constant over the cap, and a standard loop (BPMN's
standardLoopCharacteristics, which Camunda 7 does not run) without a loopMaximum within the cap, are
refused; a cardinality or collection known only at run time is checked when the loop begins (an incident).
"""

from __future__ import annotations

import ast
from typing import Any

from engine.definitions.problems import Problem, bpmn, describe, text_of
from engine.sandbox import LIMITS
from engine.sandbox.constants import UNKNOWN, ConstantFolder


def cardinality_problems(loop: Any, filename: str) -> list[Problem]:
    """Refuse a multi-instance loop whose (translated) loop cardinality is a constant over the cap."""
    cardinality = loop.find(bpmn("loopCardinality"))
    source = text_of(cardinality) if cardinality is not None else ""
    if not source:
        return []
    try:
        value = ConstantFolder().value(ast.parse(source.strip(), mode="eval").body)
    except SyntaxError:
        return []  # the dialect and the sandbox report it
    if value is UNKNOWN or isinstance(value, bool) or not isinstance(value, int):
        return []
    if value > LIMITS.loop_cardinality:
        return [Problem(filename, cardinality.sourceline, f"{describe(loop.getparent())} would run {value} "
                        f"instances; a multi-instance activity may run at most {LIMITS.loop_cardinality} "
                        "(setting MAX_LOOP_CARDINALITY)")]
    return []


def standard_loop_problems(loop: Any, filename: str) -> list[Problem]:
    """Refuse a standard loop that is not bounded by a loopMaximum within the cap."""
    what, cap = describe(loop.getparent()), LIMITS.loop_cardinality
    maximum = (loop.get("loopMaximum") or "").strip()
    if not maximum:
        return [Problem(filename, loop.sourceline, f"{what} is a standard loop without loopMaximum; set "
                        f"loopMaximum (at most {cap}) so that it always ends, or use a multi-instance loop")]
    if not maximum.isdigit() or int(maximum) > cap:
        return [Problem(filename, loop.sourceline, f"{what}: loopMaximum '{maximum}' must be a whole number "
                        f"of at most {cap} (setting MAX_LOOP_CARDINALITY)")]
    return []
