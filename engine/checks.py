"""Kinerja's own checks of BPMN/DMN files: what the XSD allows but Kinerja cannot run as written."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from .sandbox import check_source

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ASSIGNMENT_ATTRIBUTES = ("assignee", "candidateUsers", "candidateGroups")
FIELD_TYPES = ("string", "long", "boolean", "date", "enum")
CONSTRAINTS = ("required", "readonly", "minlength", "maxlength", "min", "max")
GATEWAYS = ("exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway")
HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")


@dataclass(frozen=True)
class Problem:
    """One reason a file set was refused, pointing at a line of the original file."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"file": self.file, "line": self.line, "message": self.message}


def bpmn(tag: str) -> str:
    """Return the Clark name of a BPMN model element."""
    return f"{{{BPMN_NS}}}{tag}"


def camunda(name: str) -> str:
    """Return the Clark name of a camunda: attribute or element."""
    return f"{{{CAMUNDA_NS}}}{name}"


def local(element: Any) -> str:
    """Return an element's tag without its namespace ('' for comments and processing instructions)."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def describe(element: Any, kind: str | None = None) -> str:
    """Return how a process owner recognises an element: "user task 'Task_1' (Approve)"."""
    words = kind or re.sub(r"(?<!^)([A-Z])", r" \1", local(element)).lower()
    words = words.replace("sub process", "sub-process")
    name = " ".join((element.get("name") or "").split())
    return f"{words} '{element.get('id', '?')}'" + (f" ({name})" if name else "")


def text_of(element: Any) -> str:
    """Return the element's text, stripped ('' when absent)."""
    return (element.text or "").strip() if element is not None else ""


def compile_problems(filename: str, line: int | None, what: str, source: str,
                     mode: Literal["exec", "eval"] = "eval") -> list[Problem]:
    """Return a Problem (at most one) saying why the sandbox would refuse source."""
    messages = list(dict.fromkeys(message.rstrip(".") for _, message in check_source(source, mode)))
    if not messages:
        return []
    return [Problem(filename, line, f"{what}: `{source}` is not allowed: {'; '.join(messages)}")]


def check_bpmn(tree: Any, filename: str, process_ids: set[str]) -> list[Problem]:
    """Check the processes of one translated BPMN tree that can run (process_ids); return the problems."""
    problems: list[Problem] = []
    lanes = _laned_ids(tree)
    for process in tree.getroot().iter(bpmn("process")):
        if process.get("id") not in process_ids:
            continue  # a diagram-only pool: Kinerja never runs it
        for element in process.iter():
            tag = local(element)
            if tag in ("userTask", "manualTask"):
                problems += _check_assignable(element, filename, lanes)
            elif tag == "scriptTask":
                problems += _check_script(element, filename)
            elif tag == "formData":
                problems += _check_form(element, filename)
            elif tag == "multiInstanceLoopCharacteristics":
                problems += _check_multi_instance(element, filename)
        problems += _check_flows(process, filename)
    return problems


def _laned_ids(tree: Any) -> set[str]:
    """Return the ids of flow nodes placed in a named lane (nested lanes included)."""
    return {text_of(ref) for lane in tree.getroot().iter(bpmn("lane")) if (lane.get("name") or "").strip()
            for ref in lane.findall(bpmn("flowNodeRef"))}


def _check_assignable(task: Any, filename: str, lanes: set[str]) -> list[Problem]:
    if any(task.get(camunda(name), "").strip() for name in ASSIGNMENT_ATTRIBUTES):
        return []
    # SpiffWorkflow gives tasks inside a sub-process the lane of the sub-process.
    if any(node.get("id") in lanes for node in _self_and_ancestors(task)):
        return []
    return [Problem(filename, task.sourceline, f"{describe(task)} cannot be assigned to anyone: put it in a "
                    "named lane, or set an assignee, candidate users or candidate groups")]


def _self_and_ancestors(element: Any) -> Iterator[Any]:
    while element is not None and local(element) != "process":
        yield element
        element = element.getparent()


def _check_script(task: Any, filename: str) -> list[Problem]:
    what, line = describe(task), task.sourceline
    script_format = (task.get("scriptFormat") or "").strip()
    if task.get(camunda("resource")):
        return [Problem(filename, line, f"{what} loads its script from "
                        f"'{task.get(camunda('resource'))}'; write the Python script in the task itself")]
    if not script_format:
        return [Problem(filename, line, f"{what} has no script format; set it to python")]
    if script_format.lower() != "python":
        return [Problem(filename, line,
                        f"{what} uses {script_format}; only Python scripts run in Kinerja")]
    problems = []
    if task.get(camunda("resultVariable")):
        problems.append(Problem(filename, line, f"{what} sets a result variable, which Kinerja ignores; "
                                "assign the variable in the script instead"))
    script = task.find(bpmn("script"))
    source: str = (script.text or "") if script is not None else ""
    if not source.strip():
        return problems + [Problem(filename, line, f"{what} has no script")]
    for number, message in check_source(source, "exec"):
        # Point at the XML line of the script line: the text starts on the <script> tag's line.
        at = script.sourceline + number - 1 if number else script.sourceline
        problems.append(Problem(filename, at, f"{what}, script line {number or '?'}: {message}"))
    return problems


def _check_multi_instance(loop: Any, filename: str) -> list[Problem]:
    activity = loop.getparent()
    if loop.get(camunda("collection")) and not loop.get(camunda("elementVariable"), "").strip():
        return [Problem(filename, loop.sourceline, f"{describe(activity)} loops over a collection but names "
                        "no element variable; set one (e.g. rater) so each instance knows its item")]
    return []


def _check_flows(process: Any, filename: str) -> list[Problem]:
    """Refuse implicit splits and unconditioned gateway branches, which SpiffWorkflow cannot run."""
    outgoing: dict[str, list[Any]] = {}
    for flow in process.iter(bpmn("sequenceFlow")):
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow)
    problems = []
    for node in process.iter():
        flows = outgoing.get(node.get("id", "") if isinstance(node.tag, str) else "", [])
        tag = local(node)
        if tag in ("exclusiveGateway", "inclusiveGateway"):
            default = node.get("default")
            if default and default not in {flow.get("id") for flow in flows}:
                problems.append(Problem(filename, node.sourceline, f"{describe(node)} names default "
                                        f"flow '{default}', which does not leave this gateway"))
            if len(flows) < 2:
                continue  # SpiffWorkflow takes a single unconditioned flow as the default
            for flow in flows:
                if flow.get("id") != default and flow.find(bpmn("conditionExpression")) is None:
                    problems.append(Problem(filename, flow.sourceline, f"{describe(flow)} leaves "
                                            f"{describe(node)} without a condition: give it a condition "
                                            "or make it the default flow"))
        elif len(flows) > 1 and tag not in GATEWAYS and tag != "sequenceFlow":
            if any(flow.find(bpmn("conditionExpression")) is not None for flow in flows):
                advice = "conditional flows must leave an exclusive or inclusive gateway"
            else:
                advice = "use a parallel gateway to split the flow"
            problems.append(Problem(filename, node.sourceline,
                                    f"{describe(node)} has {len(flows)} outgoing sequence flows; {advice}"))
    return problems


def _check_form(form: Any, filename: str) -> list[Problem]:
    task = form.getparent().getparent()
    problems: list[Problem] = []
    seen: set[str] = set()
    for field in form.findall(camunda("formField")):
        fid = (field.get("id") or "").strip()
        what = f"{describe(task)}, form field '{fid}'"
        for line, message in _field_problems(field, fid, seen):
            problems.append(Problem(filename, line, f"{what}: {message}"))
        seen.add(fid)
    return problems


def _field_problems(field: Any, fid: str, seen: set[str]) -> list[tuple[int, str]]:
    """Return (line, message) for what engine.forms cannot render or check in one form field."""
    line = field.sourceline
    found = []
    # Field ids become task-data variables, which the sandbox refuses when they start with '_'.
    if not fid.isidentifier() or fid.startswith("_") or keyword.iskeyword(fid):
        found.append((line, "the id must be a variable name (letters, digits and _, not starting with a "
                            "digit or _)"))
    elif fid in seen:
        found.append((line, "the id is used by another field of the same form"))
    kind = field.get("type")
    if kind not in FIELD_TYPES:
        found.append((line, (f"type '{kind}' is not supported" if kind else "it has no type")
                      + f"; use one of {', '.join(FIELD_TYPES)}"))
    options = [value.get("id") for value in field.findall(camunda("value"))]
    if kind == "enum" and not options:
        found.append((line, "an enum field needs at least one value"))
    default = field.get("defaultValue")
    if default is not None and not _default_ok(kind, default, options):
        found.append((line, f"default value '{default}' is not a valid {kind}"))
    for constraint in field.iter(camunda("constraint")):
        name, config = constraint.get("name"), constraint.get("config")
        if name not in CONSTRAINTS:
            message = f"constraint '{name}' is not supported; use {', '.join(CONSTRAINTS)}"
        elif name in ("minlength", "maxlength") and not re.fullmatch(r"\d+", (config or "").strip()):
            message = f"constraint '{name}' needs a whole number, not '{config}'"
        elif name in ("min", "max") and not _bound_ok(kind, config):
            wanted = "a date (YYYY-MM-DD)" if kind == "date" else "a number"
            message = f"constraint '{name}' needs {wanted}, not '{config}'"
        else:
            continue
        found.append((constraint.sourceline, message))
    return found


def _default_ok(kind: str | None, default: str, options: list[str]) -> bool:
    text = default.strip()
    if "${" in text or "#{" in text:
        return True  # an expression: its value is only known at run time
    if kind == "long":
        return re.fullmatch(r"-?\d+", text) is not None
    if kind == "boolean":
        return text.lower() in ("true", "false")
    if kind == "date":
        return _bound_ok("date", text)
    if kind == "enum":
        return text in options
    return True


def _bound_ok(kind: str | None, config: str | None) -> bool:
    text = (config or "").strip()
    try:
        date.fromisoformat(text) if kind == "date" else float(text)
    except ValueError:
        return False
    return True


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
