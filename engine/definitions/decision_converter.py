"""Serialize a business rule task with every decision it evaluates, not only SpiffWorkflow's one table."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.dmn.serializer.task_spec import BaseBusinessRuleTaskConverter

from engine.elements.decisions.model import Decision
from engine.elements.decisions.task import DecisionTask

__all__ = ["DecisionTaskConverter"]


class DecisionTaskConverter(BaseBusinessRuleTaskConverter):
    """The converter of DecisionTask: SpiffWorkflow's fields plus `decisions` (absent in older specs)."""

    def to_dict(self, spec: DecisionTask) -> dict[str, Any]:
        dct: dict[str, Any] = super().to_dict(spec)
        dct["decisions"] = [self._decision_to_dict(decision) for decision in spec.decisions.values()]
        return dct

    def from_dict(self, dct: dict[str, Any]) -> DecisionTask:
        decisions = [self._decision_from_dict(item) for item in dct.pop("decisions", [])]
        spec: DecisionTask = super().from_dict(dct)
        spec.decisions = {decision.id: decision for decision in decisions}
        return spec

    def _decision_to_dict(self, decision: Decision) -> dict[str, Any]:
        return {
            "id": decision.id, "name": decision.name, "requires": decision.requires,
            "table": self.decision_table_to_dict(decision.table) if decision.table is not None else None,
            "aggregation": decision.aggregation, "output_values": decision.output_values,
            "variable": decision.variable, "expression": decision.expression, "type_ref": decision.type_ref,
        }

    def _decision_from_dict(self, dct: dict[str, Any]) -> Decision:
        table = self.decision_table_from_dict(dct["table"]) if dct.get("table") else None
        return Decision(dct["id"], dct.get("name", ""), list(dct.get("requires", [])), table,
                        dct.get("aggregation"), [list(values) for values in dct.get("output_values", [])],
                        dct.get("variable"), dct.get("expression"), dct.get("type_ref"))
