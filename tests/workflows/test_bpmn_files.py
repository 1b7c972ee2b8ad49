"""The process files under bpmn/: they validate as deploy does, and their diagrams are complete.

The diagram checks are what Camunda Modeler and bpmn-js need to open a file readable: one shape per
flow node, lane, participant and boundary event; one edge with at least two waypoints per sequence flow,
starting and ending on the borders of its source and target; every reference resolving; lane members
inside their lane, lanes inside their pool, sub-process content inside the sub-process. A collapsed
sub-process has its content on a drill-down plane of its own, as Camunda Modeler 5 saves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.definitions.validation import read_paths, validate
from tests.conftest import ROOT

BPMN_DIR = ROOT / "bpmn"
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "dmndi": "https://www.omg.org/spec/DMN/20191111/DMNDI/",
}
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "scriptTask", "serviceTask", "businessRuleTask", "manualTask", "sendTask", "receiveTask",
    "callActivity", "subProcess", "transaction",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
}
LIFECYCLE = ["siklus_kinerja", "perencanaan_skp", "pemantauan_kinerja", "umpan_balik_rekan", "penilaian_kinerja",
             "keberatan", "persetujuan", "tindak_lanjut", "kalibrasi_unit"]
BPMN_FILES = sorted(BPMN_DIR.rglob("*.bpmn"))
DMN_FILES = sorted(BPMN_DIR.rglob("*.dmn"))
TOLERANCE = 1.0


def _id(path: Path) -> str:
    return path.relative_to(BPMN_DIR).as_posix()


def local(element) -> str:
    return etree.QName(element).localname


def bounds(shape) -> tuple[float, float, float, float]:
    b = shape.find("dc:Bounds", NS)
    return float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height"))


def inside(inner, outer) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox - TOLERANCE <= x and oy - TOLERANCE <= y and x + w <= ox + ow + TOLERANCE \
        and y + h <= oy + oh + TOLERANCE


def on_border(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    px, py = point
    x, y, w, h = box
    within_x = x - TOLERANCE <= px <= x + w + TOLERANCE
    within_y = y - TOLERANCE <= py <= y + h + TOLERANCE
    on_vertical = abs(px - x) <= TOLERANCE or abs(px - (x + w)) <= TOLERANCE
    on_horizontal = abs(py - y) <= TOLERANCE or abs(py - (y + h)) <= TOLERANCE
    return (on_vertical and within_y) or (on_horizontal and within_x)


def test_the_directory_validates_as_kinerja_bpmn_validate_does():
    checked, problems = validate(read_paths([str(BPMN_DIR)]))
    assert [str(p) for p in problems] == []
    assert checked is not None
    assert set(LIFECYCLE) <= set(checked.process_ids)
    # siklus_kinerja deploys with every stage it calls and the decisions they use.
    assert checked.files_for("siklus_kinerja") == sorted(
        [f"{pid}.bpmn" for pid in LIFECYCLE if pid != "kalibrasi_unit"]
        + ["hasil_kerja_kepala_unit.dmn", "pola_distribusi.dmn", "predikat_kinerja.dmn"])
    # The calibration derives a unit head's predikat from the unit rating it sets (DOMAIN.md 3.1).
    assert checked.files_for("kalibrasi_unit") == ["hasil_kerja_kepala_unit.dmn", "kalibrasi_unit.bpmn",
                                                   "pola_distribusi.dmn", "predikat_kinerja.dmn"]


def test_every_lifecycle_process_has_its_own_file():
    for pid in LIFECYCLE:
        tree = etree.parse(str(BPMN_DIR / f"{pid}.bpmn"))
        assert [p.get("id") for p in tree.getroot().findall("bpmn:process", NS)] == [pid]


@pytest.mark.parametrize("path", BPMN_FILES, ids=_id)
def test_camunda_modeler_style(path: Path):
    root = etree.parse(str(path)).getroot()
    assert {"bpmn", "bpmndi", "dc", "di", "camunda", "xsi"} <= {k for k in root.nsmap if k}
    for process in root.findall("bpmn:process", NS):
        assert process.get("isExecutable") == "true"
    for tag in ("conditionExpression", "timeDate", "timeDuration", "timeCycle"):
        for element in root.iter(f"{{{NS['bpmn']}}}{tag}"):
            assert element.get(f"{{{NS['xsi']}}}type") == "bpmn:tFormalExpression", (tag, element.sourceline)
    for task in root.iter(f"{{{NS['bpmn']}}}scriptTask"):
        assert task.get("scriptFormat") == "python"


@pytest.mark.parametrize("path", BPMN_FILES, ids=_id)
def test_diagram_interchange_is_complete(path: Path):
    root = etree.parse(str(path)).getroot()
    by_id = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    shapes: dict[str, list] = {}
    for shape in root.iter(f"{{{NS['bpmndi']}}}BPMNShape"):
        shapes.setdefault(shape.get("bpmnElement"), []).append(shape)
    edges: dict[str, list] = {}
    for edge in root.iter(f"{{{NS['bpmndi']}}}BPMNEdge"):
        edges.setdefault(edge.get("bpmnElement"), []).append(edge)

    # Every diagram element points at a model element; the first plane shows the process or collaboration,
    # any further plane is the drill-down of a collapsed sub-process (as Camunda Modeler 5 saves it).
    main, *drill_downs = root.findall(".//bpmndi:BPMNPlane", NS)
    assert local(by_id[main.get("bpmnElement")]) in ("process", "collaboration")
    for plane in drill_downs:
        sub = by_id[plane.get("bpmnElement")]
        assert local(sub) == "subProcess", f"plane for '{sub.get('id')}', which is no sub-process"
        [collapsed] = [s for s in main.iter(f"{{{NS['bpmndi']}}}BPMNShape") if s.get("bpmnElement") == sub.get("id")]
        assert collapsed.get("isExpanded") == "false", f"'{sub.get('id')}' has a plane but is drawn expanded"
        drawn = {s.get("bpmnElement") for s in plane if isinstance(s.tag, str)}
        contents = {c.get("id") for c in sub if isinstance(c.tag, str) and c.get("id")
                    and local(c) in FLOW_NODES | {"sequenceFlow"}}
        assert drawn == contents, f"plane of '{sub.get('id')}' draws {sorted(drawn ^ contents)} wrongly"
    on_main = {s.get("bpmnElement") for s in main if isinstance(s.tag, str)}
    for ref in [*shapes, *edges]:
        assert ref in by_id, f"diagram element for unknown '{ref}'"

    nodes = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).namespace == NS["bpmn"]
             and local(e) in FLOW_NODES]
    lanes = list(root.iter(f"{{{NS['bpmn']}}}lane"))
    participants = list(root.iter(f"{{{NS['bpmn']}}}participant"))
    for element in [*nodes, *lanes, *participants]:
        found = shapes.get(element.get("id"), [])
        assert len(found) == 1, f"{local(element)} '{element.get('id')}' has {len(found)} shapes"
    for flow in root.iter(f"{{{NS['bpmn']}}}sequenceFlow"):
        found = edges.get(flow.get("id"), [])
        assert len(found) == 1, f"sequence flow '{flow.get('id')}' has {len(found)} edges"
        points = [(float(w.get("x")), float(w.get("y"))) for w in found[0].findall("di:waypoint", NS)]
        assert len(points) >= 2, flow.get("id")
        source, target = bounds(shapes[flow.get("sourceRef")][0]), bounds(shapes[flow.get("targetRef")][0])
        assert on_border(points[0], source), f"{flow.get('id')} does not start on {flow.get('sourceRef')}"
        assert on_border(points[-1], target), f"{flow.get('id')} does not end on {flow.get('targetRef')}"

    box = {ref: bounds(found[0]) for ref, found in shapes.items()}
    for lane in lanes:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            assert ref.text in by_id, f"lane '{lane.get('name')}' names unknown '{ref.text}'"
            # Lanes name the nodes of collapsed sub-processes too (assignment), drawn on their own plane.
            assert ref.text not in on_main or inside(box[ref.text], box[lane.get("id")]), \
                f"'{ref.text}' lies outside lane '{lane.get('name')}'"
    for participant in participants:
        process = by_id[participant.get("processRef")]
        for lane in process.iter(f"{{{NS['bpmn']}}}lane"):
            assert inside(box[lane.get("id")], box[participant.get("id")])
        for node in process.iter():
            if isinstance(node.tag, str) and local(node) in FLOW_NODES and node.get("id") in on_main:
                assert inside(box[node.get("id")], box[participant.get("id")]), node.get("id")
    for sub in root.iter(f"{{{NS['bpmn']}}}subProcess"):
        if shapes[sub.get("id")][0].get("isExpanded") == "false":
            continue  # drawn on its own plane, checked above
        assert shapes[sub.get("id")][0].get("isExpanded") == "true"
        for child in sub:
            if isinstance(child.tag, str) and local(child) in FLOW_NODES:
                assert inside(box[child.get("id")], box[sub.get("id")]), child.get("id")
    for event in root.iter(f"{{{NS['bpmn']}}}boundaryEvent"):
        x, y, w, h = box[event.get("id")]
        assert on_border((x + w / 2, y + h / 2), box[event.get("attachedToRef")]), \
            f"boundary event '{event.get('id')}' is not on its activity's border"


@pytest.mark.parametrize("path", BPMN_FILES, ids=_id)
def test_no_two_flow_nodes_overlap(path: Path):
    """Readable as laid out: activities, events and gateways of one plane never cover each other (a boundary
    event sits on its activity's border, an expanded sub-process contains its own nodes)."""
    root = etree.parse(str(path)).getroot()
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")}
    plane_of = {s.get("bpmnElement"): plane.get("id") for plane in root.iter(f"{{{NS['bpmndi']}}}BPMNPlane")
                for s in plane}
    collapsed = {s.get("bpmnElement") for s in root.iter(f"{{{NS['bpmndi']}}}BPMNShape")
                 if s.get("isExpanded") == "false"}
    # An expanded sub-process contains its nodes; a collapsed one is a box like a task.
    nodes = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).namespace == NS["bpmn"]
             and local(e) in FLOW_NODES and local(e) not in ("boundaryEvent", "transaction")
             and (local(e) != "subProcess" or e.get("id") in collapsed)]

    def overlap(a, b) -> bool:
        ax, ay, aw, ah = a
        bx, by, bw, bh = b
        return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah

    for i, first in enumerate(nodes):
        for second in nodes[i + 1:]:
            assert plane_of[first.get("id")] != plane_of[second.get("id")] \
                or not overlap(shapes[first.get("id")], shapes[second.get("id")]), \
                f"'{first.get('id')}' and '{second.get('id')}' overlap"


@pytest.mark.parametrize("path", BPMN_FILES, ids=_id)
def test_every_user_task_can_be_assigned(path: Path):
    """A user task sits in a role lane or names its assignee (the lane resolver needs one or the other)."""
    root = etree.parse(str(path)).getroot()
    laned = {ref.text: lane.get("name") for lane in root.iter(f"{{{NS['bpmn']}}}lane")
             for ref in lane.findall("bpmn:flowNodeRef", NS)}
    for task in root.iter(f"{{{NS['bpmn']}}}userTask"):
        assignee = task.get(f"{{{NS['camunda']}}}assignee") or task.get(f"{{{NS['camunda']}}}candidateUsers") \
            or task.get(f"{{{NS['camunda']}}}candidateGroups")
        assert assignee or laned.get(task.get("id")), task.get("id")


@pytest.mark.parametrize("path", DMN_FILES, ids=_id)
def test_decision_tables_have_diagram_shapes(path: Path):
    root = etree.parse(str(path)).getroot()
    namespace = etree.QName(root).namespace
    decisions = [d.get("id") for d in root.findall(f"{{{namespace}}}decision")]
    shapes = [s.get("dmnElementRef") for s in root.iter() if isinstance(s.tag, str) and local(s) == "DMNShape"]
    assert decisions and sorted(decisions) == sorted(shapes)


def test_lifecycle_decisions_are_unique_hit_tables():
    for name, rules in (("predikat_kinerja", 9), ("pola_distribusi", 5), ("hasil_kerja_kepala_unit", 3)):
        root = etree.parse(str(BPMN_DIR / f"{name}.dmn")).getroot()
        [table] = root.findall(".//dmn:decisionTable", NS)
        assert table.get("hitPolicy") == "UNIQUE"
        assert len(table.findall("dmn:rule", NS)) == rules
