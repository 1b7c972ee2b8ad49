"""Translate the literal expressions of DMN decisions (FEEL, JUEL or Python) to Python, in place."""

from __future__ import annotations

from typing import Any

from engine.definitions.checks.bpmn import compile_problems
from engine.expressions import ExpressionError, juel_to_python
from engine.expressions.feel import feel_expression_to_python

from .problems import Problem, describe, text_of

__all__ = ["translate_literal_expressions"]


def translate_literal_expressions(root: Any, ns: str, filename: str) -> list[Problem]:
    """Rewrite each decision's literal expression as Python, by its (or the file's) expression language."""
    default = root.get("expressionLanguage") or "feel"
    problems: list[Problem] = []
    for decision in root.iter(f"{{{ns}}}decision"):
        literal = decision.find(f"{{{ns}}}literalExpression")
        if literal is None:
            continue
        what = f"{describe(decision)}, literal expression"
        text = literal.find(f"{{{ns}}}text")
        source = text_of(text)
        if text is None or not source:
            problems.append(Problem(filename, literal.sourceline, f"{what} is empty: write the value to "
                                    "decide, e.g. nilai * 2"))
            continue
        language = (literal.get("expressionLanguage") or default).strip().lower()
        try:
            python = _translate(source, language)
        except ExpressionError as exc:
            message = str(exc).replace("DMN input expression", "literal expression")
            at = literal.sourceline if message.startswith("the expression language") else text.sourceline
            problems.append(Problem(filename, at, f"{what}: {message}"))
            continue
        text.text = python
        problems += compile_problems(filename, text.sourceline, what, python)
    return problems


def _translate(source: str, language: str) -> str:
    if language == "juel" or source.startswith(("${", "#{")):
        return juel_to_python(source if source.startswith(("${", "#{")) else "${" + source + "}")
    if language == "python":
        return source
    if "feel" in language:
        return feel_expression_to_python(source)
    raise ExpressionError(f"the expression language '{language}' is not supported; write the expression "
                          "in FEEL (the default), JUEL or Python")
