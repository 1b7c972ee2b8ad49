"""Deploy-time checks of who starts a process and who works on its tasks with which form (beyond dialect)."""

from __future__ import annotations

import keyword
from typing import Any

from engine.definitions.problems import Problem, bpmn, camunda, describe, local

__all__ = ["called_initiators", "check_assignment"]


def check_assignment(element: Any, filename: str) -> list[Problem]:
    """Return the problems of one element's camunda:initiator, candidate starters or legacy form property."""
    if local(element) == "startEvent" and element.get(camunda("initiator")) is not None:
        return _check_initiator(element, filename)
    if local(element) == "process":
        return _candidate_starters(element, filename)
    if element.tag == camunda("formProperty"):
        return _form_property(element, filename)
    return []


def _form_property(prop: Any, filename: str) -> list[Problem]:
    """Refuse the legacy form properties (activiti:formProperty in Activiti-era files): no form reads them."""
    owner = prop.getparent().getparent()
    name = prop.get("id") or "?"
    kind = prop.get("type") or "string"
    return [Problem(filename, prop.sourceline, f"{describe(owner)}, form property '{name}': form properties are "
                    "the legacy forms of Activiti and Kinerja does not show them; in Camunda Modeler choose the "
                    f"form type 'Generated Task Forms' and add a form field '{name}' of type {kind}")]


def _candidate_starters(process: Any, filename: str) -> list[Problem]:
    """Refuse a list of who may start the process: no Kinerja screen starts a process from such a list."""
    named = [name for name in ("candidateStarterUsers", "candidateStarterGroups")
             if (process.get(camunda(name)) or "").strip()]
    if not named:
        return []
    return [Problem(filename, process.sourceline, f"{describe(process)} sets {' and '.join(named)}; Kinerja "
                    "starts processes from the application and by operators (kinerja instance start), never "
                    "from a list of starters: clear Candidate starter users/groups in the process properties")]


def _check_initiator(event: Any, filename: str) -> list[Problem]:
    name = (event.get(camunda("initiator")) or "").strip()
    what = f"{describe(event)}, initiator '{name}'"
    if local(event.getparent()) != "process":
        return [Problem(filename, event.sourceline, f"{what}: only a start event of the process itself records "
                        "who started it; move the initiator to the process's start event")]
    # The variable is read by expressions such as ${starter}; the sandbox refuses names starting with '_'.
    if not name.isidentifier() or name.startswith("_") or keyword.iskeyword(name):
        return [Problem(filename, event.sourceline, f"{what} must be a variable name (letters, digits and _, "
                        "not starting with a digit or _), e.g. starter")]
    return []


def called_initiators(processes: dict[str, Any], calls: dict[str, list[str]],
                      files: dict[str, str]) -> list[Problem]:
    """Refuse camunda:initiator in a process a call activity starts: only a started instance has an initiator."""
    callers: dict[str, str] = {}
    for caller, called in sorted(calls.items()):
        for pid in called:
            callers.setdefault(pid, caller)
    problems = []
    for pid, caller in sorted(callers.items()):
        if pid not in processes:
            continue
        for event in processes[pid].findall(bpmn("startEvent")):
            name = (event.get(camunda("initiator")) or "").strip()
            if name:
                problems.append(Problem(files[pid], event.sourceline, f"{describe(event)}, initiator '{name}': "
                                        f"process '{pid}' is called by process '{caller}', where it gets no "
                                        "initiator; pass the starter in from the calling process as a variable "
                                        "and remove the initiator"))
    return problems
