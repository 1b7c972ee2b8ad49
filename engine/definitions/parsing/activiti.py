"""The legacy `activiti:` namespace, read as Camunda 7 reads it: every name is its `camunda:` twin.

Camunda 7 grew out of Activiti and still accepts `xmlns:activiti="http://activiti.org/bpmn"` as an
alternative spelling of its own extension namespace, for attributes (`activiti:assignee`,
`activiti:formKey`, `activiti:async`...) and extension elements (`activiti:formData`,
`activiti:properties`...) alike. Renaming them in the parsed tree before anything else reads it
gives them the camunda: meaning everywhere (checks, translation, the parser, assignment, forms), and
whatever Kinerja refuses of a camunda: name it refuses of its activiti: twin at the same line.
"""

from __future__ import annotations

from typing import Any

from engine.definitions.problems import CAMUNDA_NS, Problem, describe

__all__ = ["ACTIVITI_NS", "adopt_activiti"]

ACTIVITI_NS = "http://activiti.org/bpmn"
_PREFIX = f"{{{ACTIVITI_NS}}}"


def adopt_activiti(tree: Any, filename: str) -> list[Problem]:
    """Rename the activiti: attributes and elements of a BPMN tree to camunda:, in place."""
    problems: list[Problem] = []
    for element in tree.getroot().iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if element.tag.startswith(_PREFIX):
            element.tag = f"{{{CAMUNDA_NS}}}{element.tag[len(_PREFIX):]}"
        for name in [key for key in element.attrib if key.startswith(_PREFIX)]:
            value = element.attrib.pop(name)
            local = name[len(_PREFIX):]
            twin = f"{{{CAMUNDA_NS}}}{local}"
            if twin not in element.attrib:
                element.set(twin, value)
            elif element.get(twin).strip() != value.strip():
                # Camunda would read the camunda: one and ignore this one without a word.
                problems.append(Problem(filename, element.sourceline, f"{describe(element)} sets both "
                                        f"camunda:{local} '{element.get(twin)}' and activiti:{local} "
                                        f"'{value}'; keep only camunda:{local}"))
    return problems
