"""Rewrite Camunda 7 expressions (JUEL, ISO 8601 timer text, FEEL) in a parsed tree into Python, in place.

Each translated expression is also compiled the way the sandbox will run it, so a file is refused at deploy
time rather than failing in the middle of an appraisal. Element source lines are kept by lxml, so problems
found later still point at the original file.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from engine.definitions.checks.bpmn import (
    ASSIGNMENT_ATTRIBUTES,
    Problem,
    camunda,
    compile_problems,
    describe,
    local,
    text_of,
)
from engine.definitions.checks.dates import check_task_dates
from engine.definitions.checks.names import check_task_name
from engine.expressions import (
    ExpressionError,
    check_timer_value,
    is_literal,
    juel_to_python,
    split_list,
    timer_to_python,
)
from engine.expressions.feel import feel_expression_to_python, feel_literal_to_python, feel_unary_to_python
from engine.expressions.timer_bounds import check_timer_bounds

from .dmn_literals import translate_literal_expressions

TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
# What SpiffWorkflow's DMN engine replaces `?` with (outside quotes) before evaluating an input entry.
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def translate_bpmn(tree: Any, filename: str) -> list[Problem]:
    """Translate conditions, timers and multi-instance expressions of a BPMN tree; check assignment values."""
    problems: list[Problem] = []
    for element in tree.getroot().iter():
        tag = local(element)
        if tag == "conditionExpression":
            problems += _expression(element, f"condition of {describe(element.getparent())}", filename)
        elif tag == "condition" and local(element.getparent()) == "conditionalEventDefinition":
            problems += _expression(element, f"condition of {describe(element.getparent().getparent())}", filename)
        elif tag in ("completionCondition", "loopCardinality"):
            what = "completion condition" if tag == "completionCondition" else "loop cardinality"
            problems += _expression(element, f"{what} of {describe(_activity(element))}", filename)
        elif tag == "timerEventDefinition":
            problems += _timer(element, filename)
        elif tag == "multiInstanceLoopCharacteristics" and element.get(camunda("collection")) is not None:
            problems += _collection(element, filename)
        elif tag == "messageEventDefinition" and element.get(camunda("expression")):
            problems += _message_payload(element, filename)
        if any(element.get(camunda(name)) is not None for name in ASSIGNMENT_ATTRIBUTES):
            problems += _assignment(element, filename)
        problems += check_task_dates(element, filename)
        problems += check_task_name(element, filename)
    return problems


def _message_payload(definition: Any, filename: str) -> list[Problem]:
    """Translate camunda:expression, the payload a message event sends."""
    what = f"message payload of {describe(definition.getparent())}"
    try:
        python = juel_to_python(definition.get(camunda("expression")))
    except ExpressionError as exc:
        return [Problem(filename, definition.sourceline, f"{what}: {exc}")]
    definition.set(camunda("expression"), python)
    return compile_problems(filename, definition.sourceline, what, python)


def _activity(element: Any) -> Any:
    return element.getparent().getparent()


def _expression(element: Any, what: str, filename: str) -> list[Problem]:
    language = (element.get("language") or "").strip().lower()
    if language not in ("", "juel", "python") or element.get(camunda("resource")):
        return [Problem(filename, element.sourceline, f"{what} is a {language or 'external'} script; "
                        "write an expression such as ${amount > 100} instead")]
    source = text_of(element)
    if not source:
        return [Problem(filename, element.sourceline, f"{what} is empty")]
    try:
        element.text = juel_to_python(source)
    except ExpressionError as exc:
        return [Problem(filename, element.sourceline, f"{what}: {exc}")]
    return compile_problems(filename, element.sourceline, what, element.text)


def _timer(definition: Any, filename: str) -> list[Problem]:
    what = describe(definition.getparent(), "timer")
    values = [child for child in definition if local(child) in TIMER_KINDS]
    if not values or not text_of(values[0]):
        at = values[0].sourceline if values else definition.sourceline
        return [Problem(filename, at, f"{what} has no time: give a date, a duration (e.g. P14D) or a cycle")]
    element = values[0]  # SpiffWorkflow reads only the first of timeDate, timeDuration, timeCycle
    try:
        element.text = timer_to_python(text_of(element))
    except ExpressionError as exc:
        return [Problem(filename, element.sourceline, f"{what}: {exc}")]
    if is_literal(element.text):
        try:
            value = ast.literal_eval(element.text.strip())
            check_timer_value(value, local(element))
            check_timer_bounds(value, local(element))
        except ExpressionError as exc:
            return [Problem(filename, element.sourceline, f"{what}: {exc}")]
        return []
    return compile_problems(filename, element.sourceline, what, element.text)


def _collection(loop: Any, filename: str) -> list[Problem]:
    what = f"multi-instance collection of {describe(loop.getparent())}"
    try:
        collection = juel_to_python(loop.get(camunda("collection"), ""))
    except ExpressionError as exc:
        return [Problem(filename, loop.sourceline, f"{what}: {exc}")]
    # engine.elements.multi_instance evaluates the collection once, when the activity begins.
    loop.set(camunda("collection"), collection)
    return compile_problems(filename, loop.sourceline, what, collection)


def _assignment(element: Any, filename: str) -> list[Problem]:
    """Check camunda:assignee/candidate*; the runtime resolver translates them again itself."""
    problems: list[Problem] = []
    for name in ASSIGNMENT_ATTRIBUTES:
        value = (element.get(camunda(name)) or "").strip()
        what = f"{describe(element)}, {name} '{value}'"
        if not value:
            continue
        # Candidate lists are comma-separated; each item is a name or one ${...} (as in Camunda 7).
        items = split_list(value) if name.startswith("candidate") else [value]
        for item in items:
            try:
                python = juel_to_python(item)
            except ExpressionError as exc:
                problems.append(Problem(filename, element.sourceline, f"{describe(element)}, {name}: {exc}"))
                continue
            if item.startswith(("${", "#{")):
                problems += compile_problems(filename, element.sourceline, what, python)
    return problems


def translate_dmn(tree: Any, filename: str) -> list[Problem]:
    """Translate the FEEL of a DMN tree's decision tables to Python, in place."""
    root = tree.getroot()
    ns = root.tag[1:].split("}", 1)[0]
    problems: list[Problem] = []
    for decision in root.iter(f"{{{ns}}}decision"):
        table = decision.find(f"{{{ns}}}decisionTable")
        if table is None:
            continue
        labels = []
        for number, column in enumerate(table.findall(f"{{{ns}}}input"), 1):
            labels.append(column.get("label") or column.get("id") or f"input {number}")
            text = column.find(f"{{{ns}}}inputExpression/{{{ns}}}text")
            what = f"{describe(decision)}, input '{labels[-1]}'"
            problems += _feel(text, what, filename, feel_expression_to_python, column)
        for number, rule in enumerate(table.findall(f"{{{ns}}}rule"), 1):
            for index, entry in enumerate(rule.findall(f"{{{ns}}}inputEntry")):
                label = labels[index] if index < len(labels) else str(index + 1)
                what = f"{describe(decision)}, rule {number}, input '{label}'"
                problems += _feel(entry.find(f"{{{ns}}}text"), what, filename, feel_unary_to_python, entry)
            for index, entry in enumerate(rule.findall(f"{{{ns}}}outputEntry"), 1):
                what = f"{describe(decision)}, rule {number}, output {index}"
                problems += _feel(entry.find(f"{{{ns}}}text"), what, filename, feel_literal_to_python, entry)
    return problems + translate_literal_expressions(root, ns, filename)


def _feel(text: Any, what: str, filename: str, translate: Any, owner: Any) -> list[Problem]:
    line = text.sourceline if text is not None else owner.sourceline
    if text is None:
        if translate is feel_expression_to_python:
            return [Problem(filename, line, f"{what} has no expression: name the variable to decide on")]
        return []  # an entry without text matches anything / outputs nothing, as in Camunda
    source = text_of(text)
    try:
        python = translate(source)
    except ExpressionError as exc:
        return [Problem(filename, line, f"{what}: {exc}")]
    # An input entry translated to None matches any value: SpiffWorkflow reads empty text as "any".
    text.text = python
    if python is None or not python.strip():
        return []
    if translate is feel_unary_to_python:
        python = _QUESTION_MARK.sub("dmninputexpr", python)
    return compile_problems(filename, line, what, python)
