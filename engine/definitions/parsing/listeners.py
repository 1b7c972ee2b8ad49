"""Read camunda:executionListener and camunda:taskListener: inline python scripts run, the rest is refused.

Kinerja runs listener scripts on activities (tasks, sub-processes, call activities): execution listeners
on start and end, task listeners of user tasks on create and complete. Java listeners (class, expression,
delegateExpression), other events and listeners elsewhere are refused with their line.
"""

from __future__ import annotations

from typing import Any

from engine.definitions.checks.bpmn import compile_problems
from engine.definitions.problems import Problem, camunda, describe, local, text_of

ACTIVITY_TAGS = ("subProcess", "callActivity", "transaction")
EVENTS = {"executionListener": ("start", "end"), "taskListener": ("create", "complete")}


def is_activity(element: Any) -> bool:
    """Return whether an element is a task, a sub-process or a call activity."""
    tag = local(element)
    return tag.endswith("Task") or tag in ("task", *ACTIVITY_TAGS)


def read_listeners(element: Any, filename: str) -> tuple[dict[str, list[str]] | None, list[Problem]]:
    """Return {event: [python script, ...]} of an element's listeners, and the problems with them."""
    extensions = element.find("{http://www.omg.org/spec/BPMN/20100524/MODEL}extensionElements")
    found = [item for item in (extensions if extensions is not None else [])
             if isinstance(item.tag, str) and item.tag in (camunda("executionListener"), camunda("taskListener"))]
    if not found:
        return None, []
    scripts: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for listener in found:
        script, problem = listener_script(listener, element, filename)
        if problem is not None:
            problems.append(problem)
        elif script is not None:
            scripts.setdefault(listener.get("event", ""), []).append(script)
    return scripts, problems


def listener_script(listener: Any, owner: Any, filename: str) -> tuple[str | None, Problem | None]:
    """Return the python script a listener runs, or the problem that refuses it."""
    kind = local(listener)
    event = (listener.get("event") or "").strip()
    what = f"{describe(owner)} has {'an execution' if kind == 'executionListener' else 'a task'} listener " \
           f"on '{event or '?'}'"
    line = listener.sourceline
    if listener.get("class") or listener.get("delegateExpression") or listener.get("expression"):
        return None, Problem(filename, line, f"{what} that calls Java code; Kinerja runs no Java: write the "
                             "listener as an inline python script, or do the work in a script task")
    if not is_activity(owner):
        return None, Problem(filename, line, f"{what}; Kinerja runs listeners on tasks, sub-processes and "
                             "call activities only: do the work in a script task before or after it")
    if owner.find("{http://www.omg.org/spec/BPMN/20100524/MODEL}multiInstanceLoopCharacteristics") is not None:
        return None, Problem(filename, line, f"{what}; Kinerja does not run listeners on multi-instance "
                             "activities: do the work in a script task before or after it")
    if kind == "taskListener" and local(owner) != "userTask":
        return None, Problem(filename, line, f"{what}; task listeners belong to user tasks: use an execution "
                             "listener (start or end) here")
    if event not in EVENTS[kind]:
        return None, Problem(filename, line, f"{what}, which Kinerja does not run; it runs "
                             f"{' and '.join(EVENTS[kind])}: use one of those, a script task, or a boundary "
                             "timer for a timeout")
    script = listener.find(camunda("script"))
    if script is None:
        return None, Problem(filename, line, f"{what} with nothing to run; give it an inline python script")
    if script.get("resource"):
        return None, Problem(filename, script.sourceline, f"{what} loads its script from "
                             f"'{script.get('resource')}'; write the python script inline")
    script_format = (script.get("scriptFormat") or "").strip()
    if script_format.lower() != "python":
        return None, Problem(filename, script.sourceline, f"{what} written in "
                             f"{script_format or 'no script format'}; only inline python scripts run in Kinerja")
    source = text_of(script)
    refused = compile_problems(filename, script.sourceline, what, source, "exec")
    return (None, refused[0]) if refused else (source, None)
