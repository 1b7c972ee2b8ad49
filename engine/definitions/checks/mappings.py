"""Checks of variable mappings, listeners, job settings and data elements; data drawn only for readers is removed.

Camunda 7 runs no data objects or data associations: they document the diagram. Kinerja does the same and
takes them out of the tree SpiffWorkflow reads (which would otherwise move variables into data objects).
A data store connected to a task promises storage Kinerja does not have, so it is refused.
"""

from __future__ import annotations

from typing import Any

from engine.definitions.parsing.listeners import is_activity, listener_script
from engine.definitions.parsing.mappings import read_call_mappings, read_input_output, read_retry_cycle
from engine.definitions.problems import Problem, bpmn, camunda, describe, local

#: Diagram-only data elements (Camunda 7 ignores them at run time).
DATA_ELEMENTS = ("dataInputAssociation", "dataOutputAssociation", "dataObjectReference", "dataObject",
                 "dataStoreReference")
LISTENERS = ("executionListener", "taskListener")
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def check_mappings(tree: Any, filename: str, process_ids: set[str]) -> list[Problem]:
    """Check the runnable processes of a BPMN tree for mappings, listeners and jobs; strip diagram-only data."""
    problems: list[Problem] = []
    for process in tree.getroot().iter(bpmn("process")):
        if process.get("id") not in process_ids:
            continue
        problems += _data_store_problems(process, filename)
        for element in process.iter():
            if not isinstance(element.tag, str):
                continue
            tag = local(element)
            if element.tag == camunda("inputOutput") and local(element.getparent()) == "extensionElements":
                problems += _input_output(element.getparent().getparent(), filename)
            elif element.tag in (camunda("in"), camunda("out")):
                problems += _call_item(element, filename)
            elif tag in LISTENERS and element.tag == camunda(tag):
                problem = listener_script(element, _owner(element), filename)[1]
                problems += [problem] if problem is not None else []
            elif element.tag == camunda("failedJobRetryTimeCycle"):
                problems += _retry_cycle(_owner(element), element, filename)
            elif tag == "callActivity":
                problems += read_call_mappings(element, filename)[1]
        _strip_data(process)
    return problems


def _owner(element: Any) -> Any:
    """Return the BPMN element an extension element belongs to."""
    element = element.getparent()
    while element is not None and (local(element) == "extensionElements" or not element.tag.startswith(BPMN)):
        element = element.getparent()
    return element


def _input_output(activity: Any, filename: str) -> list[Problem]:
    what = describe(activity)
    if not is_activity(activity):
        return [Problem(filename, activity.sourceline, f"{what} has input/output parameters; Kinerja runs "
                        "them on tasks, sub-processes and call activities only: set the variables in a "
                        "script task before or after it")]
    if activity.find(bpmn("multiInstanceLoopCharacteristics")) is not None:
        return [Problem(filename, activity.sourceline, f"{what} is multi-instance and has input/output "
                        "parameters, which Kinerja does not run per instance: put the activity in a "
                        "sub-process, or compute the values in a script task before it")]
    return read_input_output(activity, filename)[1]


def _retry_cycle(owner: Any, cycle: Any, filename: str) -> list[Problem]:
    if not is_activity(owner):
        return [Problem(filename, cycle.sourceline, f"{describe(owner)} sets a retry time cycle; Kinerja "
                        "retries failed tasks, sub-processes and call activities only: remove it here")]
    return read_retry_cycle(owner, filename)[1]


def _call_item(item: Any, filename: str) -> list[Problem]:
    owner = _owner(item)
    if local(owner) == "callActivity":
        return []  # checked with its call activity
    return [Problem(filename, item.sourceline, f"{describe(owner)} has a camunda:{local(item)} mapping, "
                    "which Kinerja runs only on call activities; pass the data in the message payload or "
                    "set it in a script task")]


def _data_store_problems(process: Any, filename: str) -> list[Problem]:
    """Refuse a data store a task reads or writes: Kinerja has no storage behind it."""
    stores = {ref.get("id"): ref for ref in process.iter(bpmn("dataStoreReference"))}
    problems = []
    for association in [*process.iter(bpmn("dataInputAssociation")), *process.iter(bpmn("dataOutputAssociation"))]:
        refs = [ref.text.strip() for ref in association if local(ref) in ("sourceRef", "targetRef") and ref.text]
        for ref in refs:
            if ref in stores:
                store = stores[ref]
                problems.append(Problem(filename, store.sourceline, f"{describe(store)} is read or written by "
                                        f"{describe(association.getparent())}; Kinerja has no data stores: "
                                        "keep the data in process variables or in the application, and "
                                        "remove the association"))
    return problems


def _strip_data(process: Any) -> None:
    """Remove data objects, references and associations, which Camunda 7 only draws."""
    placeholders = set()
    for element in list(process.iter(*(bpmn(tag) for tag in DATA_ELEMENTS))):
        if local(element) == "dataInputAssociation":
            placeholders |= {ref.text.strip() for ref in element.findall(bpmn("targetRef")) if ref.text}
        element.getparent().remove(element)
    # The Modeler adds a property as the target of an input association; it only served the association.
    for prop in list(process.iter(bpmn("property"))):
        if prop.get("id") in placeholders:
            prop.getparent().remove(prop)
