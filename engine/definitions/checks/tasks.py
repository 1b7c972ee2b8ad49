"""Checks of service, send, business rule and receive tasks, and of what deploy must be able to store."""

from __future__ import annotations

import re
from typing import Any

from engine.definitions.parsing.tasks import is_external
from engine.definitions.serializer import full_serializer
from engine.expressions import ExpressionError, juel_to_python

from .bpmn import Problem, bpmn, camunda, compile_problems, describe, local

#: How a Camunda 7 task calls code Kinerja cannot run, and how to say so to a process owner.
JAVA = (("class", "calls Java (camunda:class '{}')"),
        ("delegateExpression", "calls a Java bean (camunda:delegateExpression '{}')"),
        ("expression", "calls Java through an expression (camunda:expression '{}')"))


def check_tasks(tree: Any, filename: str, process_ids: set[str]) -> list[Problem]:
    """Check the service, send, business rule and receive tasks of the processes that can run."""
    problems: list[Problem] = []
    for process in tree.getroot().iter(bpmn("process")):
        if process.get("id") not in process_ids:
            continue
        for element in process.iter():
            tag = local(element)
            if tag in ("serviceTask", "sendTask", "businessRuleTask"):
                problems += check_task_implementation(element, filename)
            elif tag == "receiveTask":
                problems += check_receive_task(element, filename)
    return problems


def check_task_implementation(task: Any, filename: str) -> list[Problem]:
    """Refuse a service, send or business rule task that is not an external task, with the rewrite."""
    tag = local(task)
    if is_external(task):
        return _check_external(task, filename)
    if tag == "businessRuleTask" and (task.get(camunda("decisionRef")) or "").strip():
        return []
    what, line = describe(task), task.sourceline
    hint = (f"make it an external task (Implementation: External, Topic: {suggest_topic(task)}) "
            "and let a worker do it")
    for name, words in JAVA:
        value = (task.get(camunda(name)) or "").strip()
        if value:
            if tag == "businessRuleTask":
                hint = "link a DMN decision (Implementation: DMN, Decision reference), or " + hint
            return [Problem(filename, line, f"{what} {words.format(value)}: Kinerja runs no Java; {hint}")]
    kind = (task.get(camunda("type")) or "").strip()
    if kind:
        return [Problem(filename, line, f"{what} has the implementation type '{kind}', which Kinerja cannot run; "
                        f"{hint}")]
    if tag == "businessRuleTask":
        return []  # no implementation: the decision checks say it names no decision
    connector = task.find(f"{bpmn('extensionElements')}/{camunda('connector')}")
    if connector is not None:
        connector_id = (connector.findtext(camunda("connectorId")) or "").strip()
        return [Problem(filename, line, f"{what} calls a connector"
                        f"{f' ({connector_id})' if connector_id else ''}: Kinerja runs no connectors; {hint}")]
    if tag == "sendTask":
        return [Problem(filename, line, f"{what} has no implementation: {hint}; to send a message to "
                        "another process, use a message intermediate throw event or message end event")]
    return [Problem(filename, line, f"{what} has no implementation: {hint}")]


def _check_external(task: Any, filename: str) -> list[Problem]:
    what, line = describe(task), task.sourceline
    topic = (task.get(camunda("topic")) or "").strip()
    problems = []
    if not topic:
        problems.append(Problem(filename, line, f"{what} is an external task without a topic: set Topic "
                                f"(e.g. {suggest_topic(task)}) so that workers know which tasks are theirs"))
    elif "${" in topic or "#{" in topic:
        problems.append(Problem(filename, line, f"{what} has the topic '{topic}', an expression: write a "
                                "fixed topic name"))
    priority = (task.get(camunda("taskPriority")) or "").strip()
    if priority and not re.fullmatch(r"-?\d+", priority):
        if not priority.startswith(("${", "#{")):
            problems.append(Problem(filename, line, f"{what} has the task priority '{priority}': write a "
                                    "whole number (higher is fetched first) or an expression such as ${priority}"))
        else:
            try:
                python = juel_to_python(priority)
            except ExpressionError as exc:
                return [*problems, Problem(filename, line, f"{what}, task priority: {exc}")]
            problems += compile_problems(filename, line, f"{what}, task priority", python)
    return problems


def suggest_topic(task: Any) -> str:
    """Return a topic name made from the task's name (or id): 'Kirim email' -> 'kirim-email'."""
    words = re.sub(r"[^0-9a-z]+", "-", (task.get("name") or task.get("id") or "task").lower()).strip("-")
    return words or "task"


def check_receive_task(task: Any, filename: str) -> list[Problem]:
    """Refuse a receive task that names no message: nothing could ever make it go on."""
    if (task.get("messageRef") or "").strip():
        return []
    return [Problem(filename, task.sourceline, f"{describe(task)} waits for a message but names none: choose "
                    "its Global message reference (the message another process sends), or use a user task "
                    "if a person confirms something")]


def unstorable_problems(specs: list[Any], trees: dict[str, Any], default_file: str) -> list[Problem]:
    """Return a Problem for every element of the specs that deploy could not store (no serializer for it)."""
    known = full_serializer.registry.typenames
    problems = []
    for spec in specs:
        for task_spec in spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if type(task_spec) in known and (definition is None or type(definition) in known):
                continue
            bpmn_id = getattr(task_spec, "bpmn_id", None) or task_spec.name
            file = spec.file if getattr(spec, "file", None) in trees else default_file
            element = next((e for e in trees[file].getroot().iter() if isinstance(e.tag, str)
                            and e.get("id") == bpmn_id), None) if file in trees else None
            what = describe(element) if element is not None else f"element '{bpmn_id}'"
            problems.append(Problem(file, element.sourceline if element is not None else None,
                                    f"{what} is a kind of element Kinerja cannot run yet; remove it or "
                                    "replace it with a supported one (see 'What Kinerja runs of Camunda 7')"))
    return problems
