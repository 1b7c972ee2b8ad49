"""Kinerja's own checks of BPMN files: what the XSD allows but Kinerja cannot run as written.

The DMN checks live in `engine.dmn_checks` and Problem with the element-naming helpers in `engine.problems`;
both are re-exported here.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

from engine.definitions.parsing.loops import loop_problems
from engine.definitions.problems import BPMN_NS, CAMUNDA_NS, Problem, bpmn, camunda, describe, local, text_of
from engine.sandbox import check_source

from .assignment import check_assignment
from .dmn import HIT_POLICIES, check_dmn
from .events import CHECKED as EVENT_CHECKED
from .events import event_problems
from .loop_bounds import cardinality_problems, standard_loop_problems

__all__ = [
    "ASSIGNMENT_ATTRIBUTES", "BPMN_NS", "CAMUNDA_NS", "CONSTRAINTS", "FIELD_TYPES", "GATEWAYS", "HIT_POLICIES",
    "Problem", "bpmn", "camunda", "check_bpmn", "check_dmn", "compile_problems", "describe", "local", "text_of",
]

ASSIGNMENT_ATTRIBUTES = ("assignee", "candidateUsers", "candidateGroups")
FIELD_TYPES = ("string", "long", "boolean", "date", "enum")
CONSTRAINTS = ("required", "readonly", "minlength", "maxlength", "min", "max", "required_if")
GATEWAYS = ("exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway")


def compile_problems(filename: str, line: int | None, what: str, source: str,
                     mode: Literal["exec", "eval"] = "eval") -> list[Problem]:
    """Return a Problem (at most one) saying why the sandbox would refuse source."""
    messages = list(dict.fromkeys(message.rstrip(".") for _, message in check_source(source, mode)))
    if not messages:
        return []
    return [Problem(filename, line, f"{what}: `{source}` is not allowed: {'; '.join(messages)}")]


def check_bpmn(tree: Any, filename: str, process_ids: set[str], strict: bool = False) -> list[Problem]:
    """Check the processes of one translated BPMN tree that can run (process_ids); return the problems.

    The strict profile (the project's own bpmn/) also refuses a user task no lane or attribute assigns;
    otherwise such a task is valid, as in Camunda, and goes to the operators group at run time.
    """
    problems: list[Problem] = []
    lanes = _laned_ids(tree)
    for process in tree.getroot().iter(bpmn("process")):
        if process.get("id") not in process_ids:
            continue  # a diagram-only pool: Kinerja never runs it
        for element in process.iter():
            tag = local(element)
            problems += check_assignment(element, filename)
            if tag == "userTask" and strict:  # a manual task passes through, as in Camunda
                problems += _check_assignable(element, filename, lanes)
            elif tag == "scriptTask":
                problems += _check_script(element, filename)
            elif tag == "formData":
                problems += _check_form(element, filename)
            elif tag == "multiInstanceLoopCharacteristics":
                problems += _check_multi_instance(element, filename) + cardinality_problems(element, filename)
            elif tag == "standardLoopCharacteristics":
                problems += standard_loop_problems(element, filename)
            elif tag in EVENT_CHECKED:
                problems += event_problems(element, filename)
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
                    "named lane, or set an assignee, candidate users or candidate groups (the strict "
                    "profile of the appraisal processes)")]


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
        return [*problems, Problem(filename, line, f"{what} has no script")]
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
    return loop_problems(loop, filename)


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
    fields = form.findall(camunda("formField"))
    ids = {(field.get("id") or "").strip() for field in fields}
    for field in fields:
        fid = (field.get("id") or "").strip()
        what = f"{describe(task)}, form field '{fid}'"
        for line, message in _field_problems(field, fid, seen) + _condition_problems(field, fid, ids):
            problems.append(Problem(filename, line, f"{what}: {message}"))
        seen.add(fid)
    return problems


def _condition_problems(field: Any, fid: str, ids: set[str]) -> list[tuple[int, str]]:
    """A `required_if` names another field of the same form."""
    found = []
    for constraint in field.iter(camunda("constraint")):
        config = (constraint.get("config") or "").strip()
        if constraint.get("name") == "required_if" and "=" in config:
            other = config.split("=", 1)[0].strip()
            if other == fid or other not in ids:
                found.append((constraint.sourceline, f"constraint 'required_if' names '{other}', "
                                                     "which is not another field of this form"))
    return found


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
        elif name == "required_if" and not re.fullmatch(r"[A-Za-z]\w*=\S.*", (config or "").strip()):
            message = f"constraint 'required_if' needs 'other_field=value', not '{config}'"
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
