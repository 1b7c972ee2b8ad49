"""What changed in a process between two versions: elements added, removed and changed, property by property.

Computed from the BPMN XML itself (not the parsed spec), so a changed label, documentation or form field
shows even where the executable spec would hide it, and the CLI and the page print the same list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from engine.errors import NotFound
from engine.models import SpecVersion

from .xmlsafe import parse_xml

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
#: Children of a process that are not elements of the diagram but parts of their parent.
_NOT_ELEMENTS = {"documentation", "extensionElements", "laneSet", "ioSpecification", "property",
                 "incoming", "outgoing", "flowNodeRef", "childLaneSet"}
_EVENT_DEFINITIONS = {"timerEventDefinition", "messageEventDefinition", "signalEventDefinition",
                      "errorEventDefinition", "escalationEventDefinition", "conditionalEventDefinition",
                      "terminateEventDefinition", "cancelEventDefinition", "compensateEventDefinition",
                      "linkEventDefinition"}
_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class PropertyChange:
    """One property of an element: its old and new text (None where it is absent)."""

    name: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ElementChange:
    """One element that was added, removed or changed."""

    element_id: str
    kind: str  # added | removed | changed
    element_type: str
    name: str | None
    properties: tuple[PropertyChange, ...] = ()


@dataclass
class ProcessDiff:
    """The changes of one process between two versions, in document order of the newer one."""

    process_id: str
    changes: list[ElementChange] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[ElementChange]:
        """Return the changes of one kind (added, removed, changed)."""
        return [change for change in self.changes if change.kind == kind]

    @property
    def empty(self) -> bool:
        """Whether the two versions have the same elements with the same properties."""
        return not self.changes


Element = tuple[str, str | None, dict[str, str]]


def _local(node: etree._Element) -> str:
    return str(etree.QName(node).localname)


def _text(node: etree._Element) -> str:
    return " ".join("".join(node.itertext()).split())


def _attributes(node: etree._Element, prefix: str = "") -> dict[str, str]:
    """Return an element's attributes by readable name (camunda:x for the Camunda dialect), but its id."""
    found: dict[str, str] = {}
    for key, value in node.attrib.items():
        qname = etree.QName(key)
        if qname.localname == "id" and qname.namespace is None:
            continue
        label = f"camunda:{qname.localname}" if qname.namespace == CAMUNDA else qname.localname
        found[prefix + label] = value
    return found


def _canonical(node: etree._Element) -> str:
    """Return a child's content as one comparable line: its attributes, then its children's."""
    parts = [f"{key}={value}" for key, value in sorted(_attributes(node).items())]
    text = (node.text or "").strip()
    if text:
        parts.append(" ".join(text.split()))
    parts += [f"{_local(child)}({_canonical(child)})" for child in node if isinstance(child.tag, str)]
    return ", ".join(parts)


def _extensions(node: etree._Element, props: dict[str, str]) -> None:
    """Add the Camunda extension elements: form fields, properties, input/output and listeners."""
    for ext in node.iterfind(f"{{{BPMN}}}extensionElements/*"):
        kind = _local(ext)
        if kind == "formData":
            for form_field in ext.iterfind(f"{{{CAMUNDA}}}formField"):
                props[f"form field {form_field.get('id')}"] = _canonical(form_field)
        elif kind == "properties":
            for prop in ext.iterfind(f"{{{CAMUNDA}}}property"):
                props[f"property {prop.get('name')}"] = prop.get("value") or _text(prop)
        elif kind == "inputOutput":
            for param in ext:
                if isinstance(param.tag, str):
                    props[f"{_local(param)} {param.get('name')}"] = _canonical(param)
        else:
            key = f"extension {kind}"
            props[key] = (props[key] + "; " if key in props else "") + _canonical(ext)


def _properties(node: etree._Element) -> dict[str, str]:
    """Return every compared property of one element."""
    props = _attributes(node)
    for child in node:
        if not isinstance(child.tag, str):
            continue
        kind = _local(child)
        if kind == "documentation":
            props["documentation"] = _text(child)
        elif kind == "timerEventDefinition":
            for timer in child:
                if isinstance(timer.tag, str):
                    props[f"timer {_local(timer)}"] = _text(timer)
        elif kind in _EVENT_DEFINITIONS:
            props["event"] = f"{kind}({_canonical(child)})"
        elif kind == "conditionExpression":
            props["condition"] = _text(child)
        elif kind == "script":
            props["script"] = (child.text or "").strip()
        elif kind == "flowNodeRef":
            props["flow nodes"] = " ".join(sorted([*props.get("flow nodes", "").split(), _text(child)]))
        elif kind.endswith("LoopCharacteristics"):
            props["multi-instance"] = f"{kind}({_canonical(child)})"
    _extensions(node, props)
    return props


def _collect(container: etree._Element, into: dict[str, Element]) -> None:
    """Walk a process or sub-process: its flow elements (recursively), artifacts and lanes."""
    for node in container:
        if not isinstance(node.tag, str) or etree.QName(node).namespace != BPMN:
            continue
        kind = _local(node)
        if kind == "laneSet" or kind == "childLaneSet":
            for lane in node.iterfind(f"{{{BPMN}}}lane"):
                into[lane.get("id", "")] = ("lane", lane.get("name"), _properties(lane))
                _collect(lane, into)
            continue
        if kind in _NOT_ELEMENTS or node.get("id") is None:
            continue
        into[node.get("id", "")] = (kind, node.get("name"), _properties(node))
        if kind in ("subProcess", "transaction", "adHocSubProcess"):
            _collect(node, into)


def process_elements(tree: etree._ElementTree, process_id: str) -> dict[str, Element] | None:
    """Return {element id: (type, name, properties)} of a process in a document, None if it is not there."""
    for process in tree.getroot().iterfind(f"{{{BPMN}}}process"):
        if process.get("id") == process_id:
            elements: dict[str, Element] = {}
            # The process itself: its name, documentation and extension properties count too.
            elements[process_id] = ("process", process.get("name"), _properties(process))
            _collect(process, elements)
            return elements
    return None


def diff_elements(process_id: str, old: dict[str, Element], new: dict[str, Element]) -> ProcessDiff:
    """Compare two element maps: removed first (in old order), then added and changed (in new order)."""
    result = ProcessDiff(process_id)
    for element_id, (kind, name, _props) in old.items():
        if element_id not in new:
            result.changes.append(ElementChange(element_id, "removed", kind, name))
    for element_id, (kind, name, props) in new.items():
        if element_id not in old:
            result.changes.append(ElementChange(element_id, "added", kind, name))
            continue
        old_kind, _old_name, old_props = old[element_id]
        changed = [PropertyChange("type", old_kind, kind)] if old_kind != kind else []
        changed += [PropertyChange(key, old_props.get(key), props.get(key))
                    for key in sorted(set(old_props) | set(props)) if old_props.get(key) != props.get(key)]
        if changed:
            result.changes.append(ElementChange(element_id, "changed", kind, name, tuple(changed)))
    return result


def elements_of_xml(data: bytes, process_id: str, filename: str = "upload.bpmn",
                    max_bytes: int = _MAX_BYTES) -> dict[str, Element]:
    """Parse untrusted BPMN XML and return the process's elements, or raise NotFound (XmlRefused if not XML)."""
    elements = process_elements(parse_xml(data, filename, max_bytes), process_id)
    if elements is None:
        raise NotFound(f"{filename} does not define process '{process_id}'", process_id=process_id)
    return elements


def version_of(session: Session, process_id: str, version: int | None = None) -> SpecVersion:
    """Return a deployed version of a process (default: the latest) with its files, or raise NotFound."""
    query = select(SpecVersion).options(undefer(SpecVersion.files)).where(SpecVersion.process_id == process_id)
    query = (query.where(SpecVersion.version == version) if version is not None
             else query.order_by(SpecVersion.version.desc()).limit(1))
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFound(f"process '{process_id}' has no version {version or ''}".rstrip(),
                       process_id=process_id, version=version)
    return found


def main_xml(spec_version: SpecVersion) -> str:
    """Return the XML of the file that defines a version's process (the diagram to draw)."""
    return spec_version.files[spec_version.main_file]


def elements_of_version(spec_version: SpecVersion) -> dict[str, Element]:
    """Return the elements of a deployed version's process."""
    return elements_of_xml(main_xml(spec_version).encode(), spec_version.process_id, spec_version.main_file)


def processes_of_files(files: dict[str, str]) -> dict[str, dict[str, Element]]:
    """Return the elements of every process defined in a version's BPMN files, by process id."""
    found: dict[str, dict[str, Element]] = {}
    for name, xml in sorted(files.items()):
        if not name.lower().endswith(".bpmn"):
            continue
        tree = parse_xml(xml.encode(), name, _MAX_BYTES)
        for process in tree.getroot().iterfind(f"{{{BPMN}}}process"):
            process_id = process.get("id", "")
            elements = process_elements(tree, process_id)
            if elements is not None:
                found[process_id] = elements
    return found


def diff_versions(session: Session, process_id: str, from_version: int, to_version: int) -> list[ProcessDiff]:
    """Return what changed from one deployed version to another: the process first, then each called process.

    A version holds the processes it calls; a change in one of them (a timer in the planning stage of
    the cycle) makes a new version of the caller, and is listed under the called process's id.
    """
    old = processes_of_files(version_of(session, process_id, from_version).files)
    new = processes_of_files(version_of(session, process_id, to_version).files)
    ids = [process_id, *sorted((set(old) | set(new)) - {process_id})]
    diffs = [diff_elements(pid, old.get(pid, {}), new.get(pid, {})) for pid in ids]
    return [d for d in diffs if d.process_id == process_id or not d.empty]


def diff_upload(session: Session, process_id: str, data: bytes, version: int | None = None,
                filename: str = "upload.bpmn", max_bytes: int = _MAX_BYTES) -> ProcessDiff:
    """Return what uploaded XML would change against a deployed version (default: the latest)."""
    old = elements_of_version(version_of(session, process_id, version))
    return diff_elements(process_id, old, elements_of_xml(data, process_id, filename, max_bytes))
