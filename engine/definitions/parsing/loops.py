"""Multi-instance activities as Camunda 7 declares them: parsed into Kinerja's loops, checked at deploy."""

from __future__ import annotations

import keyword
from typing import Any

from engine.definitions.problems import Problem, bpmn, camunda, describe, text_of
from engine.elements.multi_instance import COUNTERS, LOOP_COUNTER, CamundaParallelLoop, CamundaSequentialLoop

#: Standard BPMN multi-instance parts Camunda Modeler never writes and Camunda 7 does not run.
_FOREIGN = {"loopDataInputRef": "camunda:collection", "inputDataItem": "camunda:elementVariable",
            "loopDataOutputRef": None, "outputDataItem": None, "complexBehaviorDefinition": None}


class CamundaLoopParser:
    """Task parser part that builds Kinerja's Camunda loops instead of SpiffWorkflow's."""

    node: Any
    task: Any
    spec: Any

    def _add_multiinstance_task(self, loop: Any) -> None:
        cardinality = loop.find(bpmn("loopCardinality"))
        condition = loop.find(bpmn("completionCondition"))
        original = self.spec.task_specs.pop(self.task.name)
        loop_class = CamundaSequentialLoop if loop.get("isSequential") == "true" else CamundaParallelLoop
        self.task = loop_class(
            self.spec, original.name, "",
            collection=(loop.get(camunda("collection")) or "").strip() or None,
            element_variable=(loop.get(camunda("elementVariable")) or "").strip() or None,
            cardinality=text_of(cardinality) or None if cardinality is not None else None,
            condition=text_of(condition) or None if condition is not None else None)
        self._copy_task_attrs(original, loop)  # type: ignore[attr-defined]


def loop_problems(loop: Any, filename: str) -> list[Problem]:
    """Return what Kinerja cannot run in one multiInstanceLoopCharacteristics."""
    what, line = describe(loop.getparent()), loop.sourceline
    problems = []
    for child in loop:
        name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if name in _FOREIGN:
            instead = _FOREIGN[name]
            advice = (f"use {instead} instead" if instead else "Camunda 7 ignores it: map what an instance "
                      "produces in the instance itself (a script or an output parameter)")
            problems.append(Problem(filename, child.sourceline, f"{what}: multi-instance {name} is not "
                                    f"supported; {advice}"))
    collection = (loop.get(camunda("collection")) or "").strip()
    element = (loop.get(camunda("elementVariable")) or "").strip()
    has_cardinality = loop.find(bpmn("loopCardinality")) is not None
    if not collection and not has_cardinality:
        problems.append(Problem(filename, line, f"{what} is multi-instance without a collection or a loop "
                                "cardinality; set one (e.g. collection ${raters} with element variable rater)"))
    if collection and has_cardinality:
        problems.append(Problem(filename, line, f"{what} has both a collection and a loop cardinality; "
                                "keep only the collection (it gives the number of instances)"))
    if element and not collection:
        problems.append(Problem(filename, line, f"{what} names element variable '{element}' but no "
                                "collection to take its values from; set the collection"))
    if element and (not element.isidentifier() or element.startswith("_") or keyword.iskeyword(element)):
        problems.append(Problem(filename, line, f"{what}: element variable '{element}' must be a variable "
                                "name (letters, digits and _, not starting with a digit or _)"))
    elif element in (LOOP_COUNTER, *COUNTERS):
        problems.append(Problem(filename, line, f"{what}: element variable '{element}' is a built-in "
                                "variable of the loop; choose another name"))
    return problems
