"""Read camunda:inputOutput and camunda:in/out into plain data the mapping task specs run, with problems.

A value becomes {"expr": python}, {"list": [...]}, {"map": {key: ...}} or {"script": body, "expr": python};
everything is translated and sandbox-checked here, so a mapping that deploys can run.
"""

from __future__ import annotations

import ast
from typing import Any

from engine.definitions.checks.bpmn import compile_problems
from engine.definitions.problems import Problem, camunda, describe, local, text_of
from engine.elements.mappings import CALL_KEY, IO_KEY, LISTENERS_KEY, RETRY_KEY, MappedTask, mapped_class
from engine.expressions import ExpressionError, check_timer_value, juel_to_python

from .listeners import read_listeners

#: The only business key a called process can get: the parent's (it runs inside the same instance).
PARENT_BUSINESS_KEY = ("#{execution.processBusinessKey}", "${execution.processBusinessKey}")


class MappingRefused(Exception):
    """A mapping Kinerja cannot run; carries the problems found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def read_input_output(element: Any, filename: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Return {"inputs": [[name, value]], "outputs": [...]} of an activity's camunda:inputOutput."""
    block = element.find(f"{_bpmn_ext()}/{camunda('inputOutput')}")
    if block is None:
        return None, []
    problems: list[Problem] = []
    mapping: dict[str, Any] = {"inputs": [], "outputs": []}
    for parameter in block:
        kind = local(parameter)
        if kind not in ("inputParameter", "outputParameter"):
            continue
        name = (parameter.get("name") or "").strip()
        what = f"{describe(element)}, {'input' if kind == 'inputParameter' else 'output'} parameter '{name}'"
        if not name.isidentifier() or name.startswith("_"):
            problems.append(Problem(filename, parameter.sourceline, f"{what}: the name must be a variable "
                                    "name (letters, digits and _, not starting with a digit or _)"))
            continue
        try:
            value = _value(parameter, what, filename)
        except MappingRefused as refused:
            problems += refused.problems
            continue
        mapping["inputs" if kind == "inputParameter" else "outputs"].append([name, value])
    return mapping, problems


def read_call_mappings(call: Any, filename: str) -> tuple[dict[str, Any], list[Problem]]:
    """Return {"in": [...], "out": [...]} of a call activity; each item: all/local/source/expr/target."""
    mapping: dict[str, Any] = {"in": [], "out": []}
    problems: list[Problem] = []
    extensions = call.find(_bpmn_ext())
    for item in extensions if extensions is not None else []:
        direction = local(item)
        if direction not in ("in", "out") or not item.tag.startswith("{http://camunda.org"):
            continue
        what = f"{describe(call)}, camunda:{direction}"
        found = _call_item(item, what, filename)
        if isinstance(found, Problem):
            problems.append(found)
        elif found is not None:
            mapping[direction].append(found)
    return mapping, problems


def _call_item(item: Any, what: str, filename: str) -> dict[str, Any] | Problem | None:
    line = item.sourceline
    business_key = item.get("businessKey")
    if business_key is not None:
        if business_key.strip() in PARENT_BUSINESS_KEY:
            return None  # the called process runs in the parent's instance: it has its business key
        return Problem(filename, line, f"{what} gives the called process the business key "
                       f"'{business_key}'; a called process runs inside the calling instance and always "
                       "has its business key: write #{execution.processBusinessKey}")
    is_local = (item.get("local") or "").strip() == "true"
    if (item.get("variables") or "").strip() == "all":
        return {"all": True, "local": is_local}
    target = (item.get("target") or "").strip()
    if not target.isidentifier() or target.startswith("_"):
        return Problem(filename, line, f"{what} needs a target variable name (letters, digits and _), "
                       f"not '{target}'; or set variables=\"all\"")
    source, expression = (item.get("source") or "").strip(), (item.get("sourceExpression") or "").strip()
    if expression:
        try:
            python = juel_to_python(expression)
        except ExpressionError as exc:
            return Problem(filename, line, f"{what}: {exc}")
        refused = compile_problems(filename, line, what, python)
        return refused[0] if refused else {"expr": python, "target": target, "local": is_local}
    if not source.isidentifier():
        return Problem(filename, line, f"{what} names no source variable; set source (a variable name) "
                       "or sourceExpression (${...})")
    return {"source": source, "target": target, "local": is_local}


def _value(parameter: Any, what: str, filename: str) -> dict[str, Any]:
    """Return the runnable form of a parameter's value (text, ${...}, list, map or python script)."""
    children = [child for child in parameter if isinstance(child.tag, str)]
    if not children:
        return _text(parameter.text or "", parameter.sourceline, what, filename)
    child = children[0]
    kind = local(child)
    if kind == "list":
        return {"list": [_value(entry, f"{what}, item {n}", filename)
                         for n, entry in enumerate(c for c in child if isinstance(c.tag, str))]}
    if kind == "map":
        entries = [entry for entry in child if isinstance(entry.tag, str)]
        return {"map": [[entry.get("key", ""), _value(entry, f"{what}, entry '{entry.get('key')}'", filename)]
                        for entry in entries]}
    if kind == "script":
        return _script(child, what, filename)
    raise MappingRefused([Problem(filename, child.sourceline, f"{what}: a {kind} value is not supported; "
                                  "use text, ${...}, a list, a map or a python script")])


def _text(text: str, line: int, what: str, filename: str) -> dict[str, Any]:
    value = text.strip()
    if not value.startswith(("${", "#{")):
        return {"expr": repr(text)}  # plain text is a string, as in Camunda (untrimmed)
    try:
        python = juel_to_python(value)
    except ExpressionError as exc:
        raise MappingRefused([Problem(filename, line, f"{what}: {exc}")]) from None
    refused = compile_problems(filename, line, what, python)
    if refused:
        raise MappingRefused(refused)
    return {"expr": python}


def _script(script: Any, what: str, filename: str) -> dict[str, Any]:
    line, script_format = script.sourceline, (script.get("scriptFormat") or "").strip()
    if script.get("resource"):
        raise MappingRefused([Problem(filename, line, f"{what} loads its script from "
                                      f"'{script.get('resource')}'; write the python script inline")])
    if script_format.lower() != "python":
        raise MappingRefused([Problem(filename, line, f"{what} is written in {script_format or 'no script format'}"
                                      "; only inline python scripts run in Kinerja (set Format to python)")])
    source = text_of(script)
    refused = compile_problems(filename, line, what, source, "exec")
    if refused:
        raise MappingRefused(refused)
    try:
        body = ast.parse(source).body
    except SyntaxError:
        body = []
    if not body or not isinstance(body[-1], ast.Expr):
        raise MappingRefused([Problem(filename, line, f"{what}: the script must end with the expression "
                                      "whose value the parameter takes (e.g. a last line `total`)")])
    lines = source.splitlines()
    last = body[-1]
    head = "\n".join(lines[:last.lineno - 1])
    expression = ast.get_source_segment(source, last) or ""
    return {"script": head, "expr": expression}


def _instance_spec(spec: Any) -> Any:
    """Return the spec that runs an activity: a multi-instance activity's per-instance child spec."""
    if isinstance(getattr(spec, "task_spec", None), str):
        return spec._wf_spec.task_specs.get(spec.task_spec)
    return spec


def _bpmn_ext() -> str:
    return "{http://www.omg.org/spec/BPMN/20100524/MODEL}extensionElements"


def read_retry_cycle(element: Any, filename: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Return an activity's camunda:failedJobRetryTimeCycle as {"times", "every"}, and its problems."""
    found = element.find(f"{_bpmn_ext()}/{camunda('failedJobRetryTimeCycle')}")
    if found is None:
        return None, []
    value, what = text_of(found), f"{describe(element)}, retry time cycle"
    times, _, every = value.partition("/")
    problem = None
    if not (times[:1] == "R" and times[1:].isdigit() and int(times[1:]) >= 1):
        problem = f"'{value}' must be R<attempts>/<interval>, e.g. R3/PT5M (3 attempts, 5 minutes apart)"
    else:
        try:
            check_timer_value(every, "timeDuration")
        except ExpressionError as exc:
            problem = f"the interval of '{value}' is not a duration: {exc}"
    if problem is not None:
        return None, [Problem(filename, found.sourceline, f"{what}: {problem}")]
    return {"times": int(times[1:]), "every": every}, []


def apply_mappings(node: Any, spec: Any, filename: str) -> Any:
    """Give a parsed task spec its mappings and the class that runs them; return it."""
    io, io_problems = read_input_output(node, filename)
    calls, call_problems = (read_call_mappings(node, filename) if local(node) == "callActivity"
                            else (None, []))
    listeners, listener_problems = read_listeners(node, filename)
    cycle, cycle_problems = read_retry_cycle(node, filename)
    if cycle is not None and not cycle_problems and _instance_spec(spec) is not None:
        target = _instance_spec(spec)
        target.extensions = {**(getattr(target, "extensions", None) or {}), RETRY_KEY: cycle}
    if (io is None and calls is None and listeners is None) or io_problems or call_problems or listener_problems:
        return spec  # nothing to run, or validation refuses the file with these problems anyway
    target = _instance_spec(spec)
    if target is None or isinstance(target, MappedTask):
        return spec
    target.extensions = dict(getattr(target, "extensions", None) or {})
    if io is not None:
        target.extensions[IO_KEY] = io
    if calls is not None:
        target.extensions[CALL_KEY] = calls
    if listeners is not None:
        target.extensions[LISTENERS_KEY] = listeners
    target.__class__ = mapped_class(type(target))
    return spec
