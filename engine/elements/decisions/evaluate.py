"""Evaluate one decision (a table under its hit policy, or a literal expression) as Camunda 7 does."""

from __future__ import annotations

from numbers import Number
from typing import Any

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine

from .model import Decision, DecisionError
from .typeref import to_type

__all__ = ["DecisionError", "Evaluation", "evaluate"]

Row = dict[str, Any]
#: What one evaluation gives: the result rows and the record for the decision_evaluated audit event.
Evaluation = tuple[list[Row], dict[str, Any]]


def evaluate(decision: Decision, my_task: Any) -> Evaluation:
    """Return the result rows of a decision over the task's data, and what to record of it."""
    if decision.table is None:
        variable = decision.variable or decision.id
        value = to_type(my_task.workflow.script_engine.evaluate(my_task, decision.expression or "None"),
                        decision.type_ref, f"Decision '{decision.id}': the value of '{variable}'")
        return [{variable: value}], {"table_id": decision.id, "hit_policy": None, "inputs": {},
                                     "matched_rules": [], "outputs": {variable: value}}
    table = decision.table
    inputs = {(inp.label or inp.expression or inp.id): _safe_evaluate(my_task, inp.expression)
              for inp in table.inputs}
    engine = DMNEngine(table)
    matched = [rule for rule in table.rules if engine._DMNEngine__check_rule(rule, my_task)]
    hits = [(rule, _typed(decision, rule, dict(rule.output_as_dict(my_task)))) for rule in matched]
    hits = _apply_policy(decision, hits)
    rows = [row for _, row in hits]
    if table.hit_policy == "COLLECT" and decision.aggregation:
        rows = _aggregate(decision, rows)
    record = {"table_id": table.id, "hit_policy": _policy_label(decision), "inputs": inputs,
              "matched_rules": [rule.id for rule, _ in hits], "outputs": merged_outputs(decision, rows)}
    return rows, record


def merged_outputs(decision: Decision, rows: list[Row]) -> Row:
    """Return the result as variables: one row's outputs, or a list per output for multi-row policies."""
    if not is_multi_row(decision):
        return dict(rows[0]) if rows else {}
    result: Row = {}
    for row in rows:
        for key, value in row.items():
            result.setdefault(key, []).append(value)
    return result


def is_multi_row(decision: Decision) -> bool:
    """Return True when a decision may give several rows (COLLECT without aggregation, the ORDER policies)."""
    policy = decision.table.hit_policy if decision.table is not None else None
    return policy in ("RULE ORDER", "OUTPUT ORDER") or (policy == "COLLECT" and not decision.aggregation)


def _typed(decision: Decision, rule: Any, row: Row) -> Row:
    """Convert a matched row's outputs to their typeRef before the hit policy compares them."""
    assert decision.table is not None
    for output in decision.table.outputs:
        name = output.name or output.label
        if name in row:
            row[name] = to_type(row[name], output.typeRef, f"Decision '{decision.id}', rule {rule.row_number}: "
                                f"output '{name}'")
    return row


def _policy_label(decision: Decision) -> str:
    policy = decision.table.hit_policy if decision.table is not None else ""
    return f"{policy} {decision.aggregation}" if decision.aggregation and policy == "COLLECT" else policy


def _apply_policy(decision: Decision, hits: list[tuple[Any, Row]]) -> list[tuple[Any, Row]]:
    """Keep the hits the hit policy keeps, in its order; raise when the policy is violated."""
    policy = decision.table.hit_policy if decision.table is not None else "UNIQUE"
    rows = ", ".join(str(rule.row_number) for rule, _ in hits)
    if policy == "UNIQUE" and len(hits) > 1:
        raise DecisionError(f"Decision '{decision.id}' has hit policy UNIQUE but rows {rows} all match")
    if policy == "ANY" and any(row != hits[0][1] for _, row in hits):
        raise DecisionError(f"Decision '{decision.id}' has hit policy ANY but rows {rows} match with "
                            "different outputs")
    if policy in ("PRIORITY", "OUTPUT ORDER"):
        hits = sorted(hits, key=lambda hit: _rank(decision, hit[1]))  # stable: ties keep rule order
    if policy in ("UNIQUE", "FIRST", "ANY", "PRIORITY"):
        return hits[:1]
    return hits


def _rank(decision: Decision, row: Row) -> tuple[int, ...]:
    """Return a row's place by the outputs' value lists: earlier listed values come first."""
    assert decision.table is not None
    rank = []
    for output, values in zip(decision.table.outputs, decision.output_values, strict=False):
        if values:
            value = row.get(output.name or output.label)
            rank.append(values.index(value) if value in values else len(values))
    return tuple(rank)


def _aggregate(decision: Decision, rows: list[Row]) -> list[Row]:
    """Return the one row of COLLECT with SUM, MIN, MAX or COUNT over its (single) output."""
    assert decision.table is not None
    output = decision.table.outputs[0]
    name = output.name or output.label
    values = [value for row in rows for value in row.values() if value is not None]
    if decision.aggregation == "COUNT":
        return [{name: len(values)}]
    if not values:
        return []  # nothing matched: no result, as in Camunda
    if decision.aggregation == "SUM":
        wrong = [value for value in values if not isinstance(value, Number) or isinstance(value, bool)]
        if wrong:
            raise DecisionError(f"Decision '{decision.id}' has hit policy COLLECT SUM but output "
                                f"'{name}' is not a number: {wrong[0]!r}")
        return [{name: sum(values)}]
    try:
        return [{name: min(values) if decision.aggregation == "MIN" else max(values)}]
    except TypeError as exc:  # e.g. a number and a text: report it without Python's words
        raise DecisionError(f"Decision '{decision.id}' has hit policy COLLECT {decision.aggregation} but "
                            f"the values of output '{name}' cannot be compared: {values!r}") from exc


def _safe_evaluate(my_task: Any, expression: str | None) -> Any:
    if not expression:
        return None
    try:
        return my_task.workflow.script_engine.evaluate(my_task, expression)
    except Exception:  # the decision itself reports the failure with its row
        return None
