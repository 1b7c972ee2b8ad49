"""Kinerja's own checks of DMN files: one decision table per file, evaluated as Camunda would."""

from __future__ import annotations

from typing import Any

from .problems import Problem, describe

__all__ = ["HIT_POLICIES", "check_dmn"]

HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")


def check_dmn(tree: Any, filename: str) -> list[Problem]:
    """Check that a DMN file holds exactly one decision table that Kinerja evaluates as Camunda would."""
    root = tree.getroot()
    ns = root.tag[1:].split("}", 1)[0]
    decisions = root.findall(f"{{{ns}}}decision")
    if not decisions:
        return [Problem(filename, root.sourceline, "the file defines no decision")]
    problems = []
    tables = []
    for decision in decisions:
        table = decision.find(f"{{{ns}}}decisionTable")
        if table is None:
            problems.append(Problem(filename, decision.sourceline, f"{describe(decision)} is not a decision "
                                    "table; Kinerja runs only decision tables"))
        else:
            tables.append((decision, table))
    if len(tables) > 1:
        # SpiffWorkflow reads only the first decision of a file; the others would silently never run.
        problems.append(Problem(filename, tables[1][0].sourceline,
                                f"the file defines {len(tables)} decision tables; Kinerja uses only the "
                                "first: put each decision in a file of its own"))
    for decision, table in tables:
        problems += _check_table(decision, table, ns, filename)
    return problems


def _check_table(decision: Any, table: Any, ns: str, filename: str) -> list[Problem]:
    what, line = describe(decision), table.sourceline
    policy = (table.get("hitPolicy") or "UNIQUE").strip().upper()
    aggregation = table.get("aggregation")
    problems = []
    if policy not in HIT_POLICIES:
        problems.append(Problem(filename, line, f"{what}: hit policy {policy} is not supported; "
                                "use UNIQUE, FIRST or COLLECT"))
    elif policy == "COLLECT" and aggregation:
        problems.append(Problem(filename, line, f"{what}: hit policy COLLECT with aggregation "
                                f"{aggregation} is not supported; use COLLECT without aggregation "
                                "(the result is a list)"))
    inputs = table.findall(f"{{{ns}}}input")
    outputs = table.findall(f"{{{ns}}}output")
    for output in outputs:
        if not (output.get("name") or output.get("label") or "").strip():
            problems.append(Problem(filename, output.sourceline, f"{what}: output '{output.get('id')}' "
                                    "has no name; the name is the variable the result is stored in"))
    for number, rule in enumerate(table.findall(f"{{{ns}}}rule"), 1):
        counts = (len(rule.findall(f"{{{ns}}}inputEntry")), len(rule.findall(f"{{{ns}}}outputEntry")))
        if counts != (len(inputs), len(outputs)):
            problems.append(Problem(filename, rule.sourceline, f"{what}: rule {number} has {counts[0]} input "
                                    f"and {counts[1]} output entries, but the table has {len(inputs)} inputs "
                                    f"and {len(outputs)} outputs"))
    return problems
