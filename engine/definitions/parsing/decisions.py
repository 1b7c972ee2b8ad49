"""Read every decision of a DMN file (tables, literal expressions, requirements) for the business rule tasks."""

from __future__ import annotations

import ast
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.parser.DMNParser import DMNParser
from SpiffWorkflow.dmn.specs.model import Decision as SpiffDecision
from SpiffWorkflow.dmn.specs.model import DecisionTable

from engine.elements.decisions.model import Decision
from engine.expressions import ExpressionError
from engine.expressions.feel import feel_literal_to_python

__all__ = ["DecisionFileParser", "DecisionGraphMixin", "output_value_list"]


def output_value_list(text: str) -> list[Any]:
    """Return the values of an output's value list (`"high","low"`), in order; raise ExpressionError."""
    items, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    values = []
    for item in (item.strip() for item in items):
        if not item:
            continue
        try:
            values.append(ast.literal_eval(feel_literal_to_python(item)))
        except (ValueError, SyntaxError) as exc:
            raise ExpressionError(f"{item!r} is not a value; list texts or numbers, e.g. \"high\",\"low\"") \
                from exc
    return values


class DecisionFileParser(DMNParser):
    """SpiffWorkflow's DMN parser, reading each decision of the file rather than only the first."""

    def __init__(self, parser: Any, node: Any, nsmap: dict[str, str], filename: str | None = None) -> None:
        super().__init__(parser, node, nsmap, filename=filename)
        self.decisions: dict[str, Decision] | None = None

    @property
    def decision_ids(self) -> list[str]:
        """Return the ids of the file's decisions, in file order."""
        return [element.get("id") for element in self.xpath("dmn:decision")]

    def parse(self) -> None:
        """Parse every decision once."""
        if self.decisions is None:
            self.decisions = {element.get("id"): self._decision(element) for element in self.xpath("dmn:decision")}

    def _decision(self, element: Any) -> Decision:
        ns = self.nsmap
        requires = [(required.get("href") or "").lstrip("#") for required in
                    element.findall("dmn:informationRequirement/dmn:requiredDecision", namespaces=ns)]
        decision = Decision(element.get("id"), element.get("name", ""), requires=requires)
        table = element.find("dmn:decisionTable", namespaces=ns)
        if table is not None:
            holder = SpiffDecision(decision.id, decision.name)
            self._parse_decision_tables(holder, element)
            decision.table = holder.decisionTables[0]
            decision.aggregation = (table.get("aggregation") or "").strip().upper() or None
            decision.output_values = [self._values(output)
                                      for output in table.findall("dmn:output", namespaces=ns)]
            return decision
        variable = element.find("dmn:variable", namespaces=ns)
        text = element.find("dmn:literalExpression/dmn:text", namespaces=ns)
        decision.variable = variable.get("name") if variable is not None and variable.get("name") else decision.id
        decision.expression = (text.text or "").strip() if text is not None else "None"
        decision.type_ref = variable.get("typeRef") if variable is not None else None
        return decision

    def _parse_inputs_outputs(self, decisionTable: Any, decisionTableElement: Any) -> None:
        """Read the table's columns and rules; annotation columns and descriptions are comments."""
        rows = 0
        for element in decisionTableElement:
            tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
            if tag == "input":
                decisionTable.inputs.append(self._parse_input(element))
            elif tag == "output":
                decisionTable.outputs.append(self._parse_output(element))
            elif tag == "rule":
                rows += 1
                decisionTable.rules.append(self._parse_rule(decisionTable, element, rows))

    def _values(self, output: Any) -> list[Any]:
        text = output.find("dmn:outputValues/dmn:text", namespaces=self.nsmap)
        if text is None or not (text.text or "").strip():
            return []
        try:
            return output_value_list(text.text)
        except ExpressionError as exc:
            raise ValidationException(str(exc), node=output, file_name=self.filename) from exc


class DecisionGraphMixin:
    """Parser methods that index decisions by id, whichever place they have in their file."""

    namespaces: dict[str, str]
    dmn_parsers: dict[str, Any]

    def add_dmn_xml(self, node: Any, filename: str | None = None) -> None:
        """Add a parsed DMN file; each of its decisions can be called by a business rule task."""
        namespaces = {**self.namespaces, **{k: v for k, v in node.nsmap.items() if k is not None}}
        if None in node.nsmap:
            namespaces["dmn"] = node.nsmap[None]
        file_parser = DecisionFileParser(self, node, namespaces, filename=filename)
        for decision_id in file_parser.decision_ids:
            self.dmn_parsers[decision_id] = file_parser

    def get_engine(self, decision_ref: str, node: Any) -> DMNEngine:
        """Return SpiffWorkflow's engine for the called decision's table (an empty one for a literal)."""
        decision = self.decision_graph(decision_ref, node)[decision_ref]
        return DMNEngine(decision.table or DecisionTable(decision.id, decision.name, "UNIQUE"))

    def decision_graph(self, decision_ref: str, node: Any = None) -> dict[str, Decision]:
        """Return the called decision and every decision it requires, directly or not, by id."""
        if decision_ref not in self.dmn_parsers:
            raise ValidationException(f"No decision with id '{decision_ref}' is deployed", node=node,
                                      file_name="")
        graph: dict[str, Decision] = {}
        pending = [decision_ref]
        while pending:
            decision_id = pending.pop()
            if decision_id in graph or decision_id not in self.dmn_parsers:
                continue
            file_parser = self.dmn_parsers[decision_id]
            file_parser.parse()
            graph[decision_id] = file_parser.decisions[decision_id]
            pending += graph[decision_id].requires
        return graph
