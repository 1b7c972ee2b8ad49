"""Events Kinerja refuses at deploy: what Camunda 7 runs one way and Kinerja cannot run the same way."""

from __future__ import annotations

import re
from typing import Any

from engine.definitions.problems import Problem, bpmn, camunda, describe, local

#: Elements whose events event_problems checks.
CHECKED = ("signalEventDefinition", "conditionalEventDefinition", "compensateEventDefinition", "subProcess",
           "errorEventDefinition", "escalationEventDefinition",
           "startEvent", "intermediateCatchEvent", "intermediateThrowEvent", "endEvent", "boundaryEvent")

#: Event definitions each kind of event can run (SpiffWorkflow reads no others there: it would run the
#: event as a plain one).
_RUNS = {
    "startEvent": ("message", "timer", "signal", "conditional"),
    "intermediateCatchEvent": ("message", "timer", "signal", "conditional"),
    "intermediateThrowEvent": ("message", "signal", "escalation"),
    "endEvent": ("message", "signal", "error", "escalation", "terminate", "cancel"),
    "boundaryEvent": ("message", "timer", "signal", "conditional", "error", "escalation", "cancel"),
}

_CODED = ("errorEventDefinition", "escalationEventDefinition")


def event_problems(element: Any, filename: str) -> list[Problem]:
    """Return why an event element (or an event sub-process) cannot run as Camunda 7 runs it."""
    tag = local(element)
    if tag == "signalEventDefinition":
        return _signal(element, filename)
    if tag == "compensateEventDefinition":
        return [Problem(filename, element.sourceline, f"{describe(element.getparent())} uses compensation, which "
                        "Kinerja does not run; model the undo steps as a path after an error boundary event")]
    if tag == "conditionalEventDefinition":
        return _conditional(element, filename)
    if tag in _CODED:
        return _code_variables(element, filename)
    if tag == "subProcess" and element.get("triggeredByEvent") == "true":
        return _event_subprocess(element, filename)
    if tag in _RUNS:
        return _definitions(element, tag, filename)
    return []


def _definitions(event: Any, tag: str, filename: str) -> list[Problem]:
    kinds = [local(child)[: -len("EventDefinition")] for child in event if local(child).endswith("EventDefinition")]
    if len(kinds) > 1:
        return [Problem(filename, event.sourceline, f"{describe(event)} has {len(kinds)} event definitions; "
                        "Camunda 7 runs one per event: split it into separate events")]
    allowed = _RUNS[tag]
    if tag == "startEvent" and _in_event_subprocess(event):
        allowed = (*allowed, "error", "escalation")
    if not kinds or kinds[0] in allowed or kinds[0] == "compensate":
        return []  # compensation has its own refusal
    if kinds[0] == "link":
        advice = "connect the two places with a sequence flow instead"
    elif tag == "startEvent" and kinds[0] in ("error", "escalation"):
        advice = f"only an event sub-process starts with an {kinds[0]}: use an event sub-process or a boundary event"
    else:
        advice = "Camunda 7 does not run it there either"
    words = re.sub(r"(?<!^)([A-Z])", r" \1", tag).lower()
    return [Problem(filename, event.sourceline, f"{describe(event)}: Kinerja cannot run {kinds[0]} events as "
                    f"{words}s; {advice}")]


def _signal(definition: Any, filename: str) -> list[Problem]:
    event = definition.getparent()
    what, line = describe(event), definition.sourceline
    problems = []
    if not definition.get("signalRef"):
        problems.append(Problem(filename, line, f"{what} names no signal; choose one (Signal reference)"))
    if definition.get(camunda("async")) == "true":
        problems.append(Problem(filename, line, f"{what} throws its signal asynchronously, which Kinerja does "
                                "not do: untick 'Asynchronous'"))
    extensions = event.find(bpmn("extensionElements"))
    if extensions is not None and any(local(child) == "in" for child in extensions):
        problems.append(Problem(filename, line, f"{what} passes variables with its signal (camunda:in), which "
                                "Kinerja does not; send a message with a payload instead"))
    return problems


def _code_variables(definition: Any, filename: str) -> list[Problem]:
    """Refuse the variables Camunda fills from a caught error or escalation: Kinerja does not fill them yet."""
    names = [name for name in ("errorCodeVariable", "errorMessageVariable", "escalationCodeVariable")
             if definition.get(camunda(name))]
    if not names:
        return []
    return [Problem(filename, definition.sourceline, f"{describe(definition.getparent())} asks for the caught "
                    f"{' and '.join('camunda:' + name for name in names)}, which Kinerja does not set; remove "
                    "them and follow a separate error boundary event per error code instead")]


def _conditional(definition: Any, filename: str) -> list[Problem]:
    event = definition.getparent()
    what, line = describe(event), definition.sourceline
    problems = []
    if definition.find(bpmn("condition")) is None:
        problems.append(Problem(filename, line, f"{what} has no condition; write one such as ${{amount > 100}}"))
    if definition.get(camunda("variableName")) or definition.get(camunda("variableEvents")):
        problems.append(Problem(filename, line, f"{what} waits for changes of particular variables; Kinerja "
                                "checks the condition after every step of the instance: remove Variable name "
                                "and Variable events and name the variable in the condition"))
    tag = local(event)
    if tag == "startEvent" and not _in_event_subprocess(event):
        problems.append(Problem(filename, line, f"{what} is a conditional start event of a process, which "
                                "Camunda starts only when asked through its API; use a none or message start event"))
    repeating = (tag == "boundaryEvent" and event.get("cancelActivity") == "false") or (
        tag == "startEvent" and _in_event_subprocess(event) and event.get("isInterrupting") == "false")
    if repeating:
        problems.append(Problem(filename, line, f"{what} is a non-interrupting conditional event, which Camunda "
                                "fires again on every variable change while the condition holds; make it "
                                "interrupting, or use a timer cycle"))
    return problems


def _event_subprocess(subprocess: Any, filename: str) -> list[Problem]:
    what, line = describe(subprocess), subprocess.sourceline
    problems = []
    if subprocess.find(bpmn("incoming")) is not None or subprocess.find(bpmn("outgoing")) is not None:
        problems.append(Problem(filename, line, f"{what} is an event sub-process with sequence flows; an event "
                                "sub-process starts by its event only: remove its incoming and outgoing flows"))
    starts = subprocess.findall(bpmn("startEvent"))
    if len(starts) != 1:
        problems.append(Problem(filename, line, f"{what} is an event sub-process with {len(starts)} start events; "
                                "give it exactly one, with a message, timer, error, escalation or conditional event"))
        return problems
    start = starts[0]
    kinds = [local(child) for child in start if local(child).endswith("EventDefinition")]
    if not kinds:
        problems.append(Problem(filename, start.sourceline, f"{describe(start)} starts an event sub-process "
                                "without an event; give it a message, timer, error, escalation or conditional "
                                "event (or make the sub-process a normal one)"))
    interrupting = start.get("isInterrupting", "true") != "false"
    if interrupting and start.find(f"{bpmn('timerEventDefinition')}/{bpmn('timeCycle')}") is not None:
        problems.append(Problem(filename, start.sourceline, f"{describe(start)} is an interrupting timer "
                                "cycle, which can fire only once; use a duration (the cycle's period) or make "
                                "it non-interrupting"))
    coded = [kind for kind in kinds if kind in _CODED]
    if "errorEventDefinition" in coded and start.get("isInterrupting") == "false":
        problems.append(Problem(filename, start.sourceline, f"{describe(start)} catches an error without "
                                "interrupting; an error start event always interrupts: tick 'Interrupting'"))
    enclosing = _enclosing_subprocess(subprocess)
    boundary = _same_boundary(start, coded[0], enclosing) if coded and enclosing is not None else None
    if boundary is not None:
        kind = "error" if coded[0] == "errorEventDefinition" else "escalation"
        problems.append(Problem(filename, start.sourceline, f"{describe(start)} catches the same {kind} as "
                                f"{describe(boundary)} on {describe(enclosing)}; Camunda lets the event "
                                "sub-process inside catch it, Kinerja would let the boundary event: keep "
                                "only one of them"))
    return problems


def _same_boundary(start: Any, kind: str, enclosing: Any) -> Any:
    """Return a boundary event on enclosing that catches what start catches (same reference or catch-all)."""
    definition = start.find(bpmn(kind))
    ref_name = "errorRef" if kind == "errorEventDefinition" else "escalationRef"
    wanted = definition.get(ref_name) if definition is not None else None
    process = enclosing
    while process is not None and local(process) != "process":
        process = process.getparent()
    for boundary in (process if process is not None else enclosing).iter(bpmn("boundaryEvent")):
        if boundary.get("attachedToRef") != enclosing.get("id"):
            continue
        for other in boundary.findall(bpmn(kind)):
            ref = other.get(ref_name)
            if not ref or not wanted or ref == wanted:
                return boundary
    return None


def _in_event_subprocess(event: Any) -> bool:
    parent = event.getparent()
    return parent is not None and local(parent) == "subProcess" and parent.get("triggeredByEvent") == "true"


def _enclosing_subprocess(element: Any) -> Any:
    node = element.getparent()
    while node is not None and local(node) != "process":
        if local(node) in ("subProcess", "transaction", "adHocSubProcess"):
            return node
        node = node.getparent()
    return None
