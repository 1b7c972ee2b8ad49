"""Kinerja's own checks of DMN files: decisions, their requirements and tables, evaluated as Camunda would."""

from __future__ import annotations

from typing import Any

from engine.definitions.parsing.decisions import output_value_list
from engine.definitions.problems import Problem, describe
from engine.elements.decisions.model import AGGREGATIONS, HIT_POLICIES
from engine.expressions import ExpressionError

__all__ = ["HIT_POLICIES", "TYPE_REFS", "check_dmn"]

#: The typeRef values Camunda 7's DMN engine knows.
TYPE_REFS = ("string", "boolean", "integer", "long", "double", "date")
_TABLE_PARTS = ("input", "output", "rule")


def check_dmn(tree: Any, filename: str) -> list[Problem]:
    """Check that every decision of a DMN file is one Kinerja evaluates as Camunda would."""
    root = tree.getroot()
    ns = root.tag[1:].split("}", 1)[0]
    decisions = root.findall(f"{{{ns}}}decision")
    if not decisions:
        return [Problem(filename, root.sourceline, "the file defines no decision")]
    problems: list[Problem] = []
    by_id = {decision.get("id"): decision for decision in decisions if decision.get("id")}
    for decision in decisions:
        if not (decision.get("id") or "").strip():
            problems.append(Problem(filename, decision.sourceline, f"{describe(decision)} has no id; give "
                                    "it one (the business rule task calls it by its id)"))
            continue
        problems += _requirements(decision, by_id, ns, filename)
        table = decision.find(f"{{{ns}}}decisionTable")
        if table is not None:
            problems += _check_table(decision, table, ns, filename)
        elif decision.find(f"{{{ns}}}literalExpression") is not None:
            problems += _check_literal(decision, ns, filename)
        else:
            problems.append(Problem(filename, decision.sourceline, f"{describe(decision)} is neither a "
                                    "decision table nor a literal expression; Kinerja runs only those two"))
    problems += _cycles(by_id, ns, filename)
    return problems


def _required(decision: Any, ns: str) -> list[Any]:
    return list(decision.findall(f"{{{ns}}}informationRequirement/{{{ns}}}requiredDecision"))


def _requirements(decision: Any, by_id: dict[str, Any], ns: str, filename: str) -> list[Problem]:
    problems = []
    for required in _required(decision, ns):
        ref = (required.get("href") or "").lstrip("#")
        if ref not in by_id:
            problems.append(Problem(filename, required.sourceline, f"{describe(decision)} requires decision "
                                    f"'{ref}', which this file does not define; a required decision must "
                                    "be in the same file (the same decision requirements diagram)"))
    return problems


def _cycles(by_id: dict[str, Any], ns: str, filename: str) -> list[Problem]:
    """Return a problem for each decision that requires itself, directly or through others."""
    requires = {key: [(r.get("href") or "").lstrip("#") for r in _required(element, ns)]
                for key, element in by_id.items()}
    problems = []
    for start in sorted(requires):
        pending, seen = list(requires[start]), set()
        while pending:
            current = pending.pop()
            if current == start:
                problems.append(Problem(filename, by_id[start].sourceline, f"{describe(by_id[start])} "
                                        "requires its own result (a cycle of required decisions); remove "
                                        "one of the requirements"))
                break
            if current not in seen and current in requires:
                seen.add(current)
                pending += requires[current]
    return problems


def _check_literal(decision: Any, ns: str, filename: str) -> list[Problem]:
    what = describe(decision)
    variable = decision.find(f"{{{ns}}}variable")
    problems = []
    if variable is None or not (variable.get("name") or "").strip():
        problems.append(Problem(filename, decision.sourceline, f"{what}: the literal expression has no "
                                "variable name; set it (the result is stored under that name)"))
    else:
        problems += _type_ref(variable, f"{what}, variable '{variable.get('name')}'", filename)
    return problems


def _type_ref(element: Any, what: str, filename: str) -> list[Problem]:
    type_ref = (element.get("typeRef") or "").strip()
    if type_ref and type_ref not in TYPE_REFS:
        return [Problem(filename, element.sourceline, f"{what}: typeRef '{type_ref}' is not a type Camunda "
                        f"knows; use one of {', '.join(TYPE_REFS)} (or leave it empty)")]
    return []


def _check_table(decision: Any, table: Any, ns: str, filename: str) -> list[Problem]:
    what, line = describe(decision), table.sourceline
    policy = " ".join((table.get("hitPolicy") or "UNIQUE").split()).upper()
    aggregation = (table.get("aggregation") or "").strip().upper()
    inputs = table.findall(f"{{{ns}}}input")
    outputs = table.findall(f"{{{ns}}}output")
    problems = _ids(decision, table, ns, filename)
    if policy not in HIT_POLICIES:
        problems.append(Problem(filename, line, f"{what}: hit policy {policy} is not a DMN hit policy; use "
                                f"one of {', '.join(HIT_POLICIES)}"))
    if aggregation:
        if policy != "COLLECT" or aggregation not in AGGREGATIONS:
            problems.append(Problem(filename, line, f"{what}: aggregation {aggregation} with hit policy "
                                    f"{policy} is not possible; use COLLECT with SUM, MIN, MAX or COUNT"))
        elif len(outputs) != 1:
            problems.append(Problem(filename, line, f"{what}: COLLECT {aggregation} needs exactly one output "
                                    f"column, the table has {len(outputs)}; split the table or drop the "
                                    "aggregation"))
    values = []
    for output in outputs:
        name = output.get("name") or output.get("label") or ""
        if not name.strip():
            problems.append(Problem(filename, output.sourceline, f"{what}: output '{output.get('id')}' "
                                    "has no name; the name is the variable the result is stored in"))
        problems += _type_ref(output, f"{what}, output '{name or output.get('id')}'", filename)
        text = output.find(f"{{{ns}}}outputValues/{{{ns}}}text")
        try:
            values.append(output_value_list(text.text or "") if text is not None else [])
        except ExpressionError as exc:
            problems.append(Problem(filename, text.sourceline, f"{what}, output values of '{name}': {exc}"))
            values.append(["?"])
    if policy in ("PRIORITY", "OUTPUT ORDER") and not any(values):
        problems.append(Problem(filename, line, f"{what}: hit policy {policy} orders rows by the outputs' "
                                "value lists, and no output has one; list the output values in priority "
                                "order (e.g. \"tinggi\",\"sedang\",\"rendah\")"))
    for column in inputs:
        expression = column.find(f"{{{ns}}}inputExpression")
        if expression is not None:
            problems += _type_ref(expression, f"{what}, input '{column.get('label') or column.get('id')}'",
                                  filename)
    for number, rule in enumerate(table.findall(f"{{{ns}}}rule"), 1):
        counts = (len(rule.findall(f"{{{ns}}}inputEntry")), len(rule.findall(f"{{{ns}}}outputEntry")))
        if counts != (len(inputs), len(outputs)):
            problems.append(Problem(filename, rule.sourceline, f"{what}: rule {number} has {counts[0]} input "
                                    f"and {counts[1]} output entries, but the table has {len(inputs)} inputs "
                                    f"and {len(outputs)} outputs"))
    return problems


def _ids(decision: Any, table: Any, ns: str, filename: str) -> list[Problem]:
    """Return a problem for each table part without the id SpiffWorkflow's parser needs."""
    problems = []
    parts = [table, *(child for child in table if isinstance(child.tag, str))]
    for rule in table.findall(f"{{{ns}}}rule"):
        parts += [entry for entry in rule if isinstance(entry.tag, str) and entry.tag.endswith("Entry")]
    for element in parts:
        local = element.tag.rsplit("}", 1)[-1]
        if local in (*_TABLE_PARTS, "decisionTable", "inputEntry", "outputEntry") and not element.get("id"):
            problems.append(Problem(filename, element.sourceline, f"{describe(decision)}: the {local} at this "
                                    "line has no id; give it one (Camunda Modeler always writes one)"))
    return problems
