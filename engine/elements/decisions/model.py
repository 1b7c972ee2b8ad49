"""The decisions a business rule task evaluates: tables and literal expressions with their requirements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.dmn.specs.model import DecisionTable

__all__ = ["AGGREGATIONS", "HIT_POLICIES", "Decision", "DecisionError", "required_order"]

HIT_POLICIES = ("UNIQUE", "FIRST", "ANY", "PRIORITY", "RULE ORDER", "OUTPUT ORDER", "COLLECT")
AGGREGATIONS = ("SUM", "MIN", "MAX", "COUNT")


class DecisionError(Exception):
    """A decision cannot give a result under its own rules (an incident, as in Camunda)."""


@dataclass
class Decision:
    """One decision of a DMN file, with its expressions already translated to Python."""

    id: str
    name: str = ""
    requires: list[str] = field(default_factory=list)
    table: DecisionTable | None = None
    aggregation: str | None = None
    #: Per output column, the allowed values in priority order (PRIORITY and OUTPUT ORDER sort by them).
    output_values: list[list[Any]] = field(default_factory=list)
    #: A literal expression decision stores the value of `expression` in `variable`.
    variable: str | None = None
    expression: str | None = None
    #: The typeRef of a literal expression's variable (a table's outputs carry their own).
    type_ref: str | None = None


def required_order(decisions: dict[str, Decision], top: str) -> list[str]:
    """Return top and the decisions it requires, each after everything it requires."""
    order: list[str] = []

    def visit(decision_id: str, path: tuple[str, ...]) -> None:
        if decision_id in order or decision_id in path:
            return  # cycles are refused at deploy; never loop at run time
        for required in decisions[decision_id].requires:
            if required in decisions:
                visit(required, (*path, decision_id))
        order.append(decision_id)

    visit(top, ())
    return order
