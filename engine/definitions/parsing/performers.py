"""BPMN's own assignment elements, read as Camunda 7 reads them: humanPerformer and potentialOwner.

`<humanPerformer>` names the assignee and `<potentialOwner>` the candidates, each in a
`resourceAssignmentExpression/formalExpression`: a comma list whose items are `user(name)`,
`group(name)` or a bare name, which Camunda takes as a group. They are written onto the user task as
the camunda: attributes they mean, so checks, translation and the resolver treat them as such.
"""

from __future__ import annotations

import re
from typing import Any

from engine.definitions.problems import Problem, bpmn, camunda, describe, text_of
from engine.expressions import split_list

__all__ = ["adopt_performers"]

_KIND = re.compile(r"(user|group)\s*\((.*)\)", re.DOTALL)


def adopt_performers(tree: Any, filename: str) -> list[Problem]:
    """Write each user task's humanPerformer and potentialOwner as camunda: attributes, in place."""
    problems: list[Problem] = []
    for task in tree.getroot().iter(bpmn("userTask")):
        performers = task.findall(bpmn("humanPerformer"))
        owners = task.findall(bpmn("potentialOwner"))
        if len(performers) > 1:
            problems.append(Problem(filename, performers[1].sourceline, f"{describe(task)} has "
                                    f"{len(performers)} human performers; a task has one assignee: keep one, "
                                    "or make the others potential owners (candidates)"))
        elif performers:
            problems += _performer(task, performers[0], filename)
        users: list[str] = []
        groups: list[str] = []
        for owner in owners:
            expression = _formal(owner)
            if not expression:
                problems.append(_empty(task, owner, "potential owner", filename))
                continue
            for item in split_list(expression):
                kind = _KIND.fullmatch(item)
                if kind and kind[2].strip():
                    (users if kind[1] == "user" else groups).append(kind[2].strip())
                else:
                    groups.append(item)  # Camunda's default for a bare name
        _add(task, "candidateUsers", users)
        _add(task, "candidateGroups", groups)
    return problems


def _performer(task: Any, performer: Any, filename: str) -> list[Problem]:
    expression = _formal(performer)
    if not expression:
        return [_empty(task, performer, "human performer", filename)]
    kind = _KIND.fullmatch(expression)
    if kind:
        expression = kind[2].strip()
    current = (task.get(camunda("assignee")) or "").strip()
    if current and current != expression:
        return [Problem(filename, performer.sourceline, f"{describe(task)} names the human performer "
                        f"'{expression}' and the assignee '{current}'; keep only the assignee")]
    task.set(camunda("assignee"), expression)
    return []


def _formal(element: Any) -> str:
    return text_of(element.find(f"{bpmn('resourceAssignmentExpression')}/{bpmn('formalExpression')}"))


def _empty(task: Any, element: Any, what: str, filename: str) -> Problem:
    return Problem(filename, element.sourceline, f"{describe(task)} has a {what} without a formal expression; "
                   "name the user or group, e.g. user(kermit) or group(management), or set the assignee or "
                   "candidates in the modeler instead")


def _add(task: Any, name: str, items: list[str]) -> None:
    if not items:
        return
    current = [item for item in split_list(task.get(camunda(name)) or "")]
    task.set(camunda(name), ", ".join(dict.fromkeys(current + items)))
