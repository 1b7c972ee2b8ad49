"""The diff of two versions of a process: elements added, removed and changed, property by property."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.definitions import diff
from engine.errors import NotFound
from tests.conftest import read_fixture
from tests.engine.migration_helpers import review_without_draft

ROOT = Path(__file__).resolve().parents[2]
PLAN = (ROOT / "bpmn" / "perencanaan_skp.bpmn").read_bytes()
BATAS = (b'<bpmn:timerEventDefinition id="TimerEventDefinition_batas_susun">\n'
         b'        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">${batas_skp}</bpmn:timeDate>')


def _changes(old: bytes, new: bytes, process_id: str = "perencanaan_skp") -> diff.ProcessDiff:
    return diff.diff_elements(process_id, diff.elements_of_xml(old, process_id), diff.elements_of_xml(new, process_id))


def test_same_file_has_no_changes():
    assert _changes(PLAN, PLAN).empty


def test_a_changed_timer_names_its_event_and_both_values():
    assert BATAS in PLAN
    changed = PLAN.replace(BATAS, BATAS.replace(b"${batas_skp}", b"P30D"))
    result = _changes(PLAN, changed)
    [change] = result.changes
    assert (change.element_id, change.kind, change.element_type) == ("Event_batas_susun", "changed", "boundaryEvent")
    assert change.properties == (diff.PropertyChange("timer timeDate", "${batas_skp}", "P30D"),)


def test_names_conditions_forms_groups_documentation_and_properties():
    changed = (PLAN.replace(b'name="Simpan rancangan SKP"', b'name="Simpan SKP"')
               .replace(b"${keputusan_skp == 'setuju'}", b"${keputusan_skp == 'disetujui'}")
               .replace(b'label="Keputusan"', b'label="Keputusan penilai"'))
    result = _changes(PLAN, changed)
    by_id = {c.element_id: {p.name: (p.old, p.new) for p in c.properties} for c in result.changes}
    assert by_id["Task_simpan_skp"] == {"name": ("Simpan rancangan SKP", "Simpan SKP")}
    [flow] = [props for props in by_id.values() if "condition" in props]
    assert flow["condition"] == ("${keputusan_skp == 'setuju'}", "${keputusan_skp == 'disetujui'}")
    [form] = [props for props in by_id.values() if "form field keputusan_skp" in props]
    old, new = form["form field keputusan_skp"]
    assert "label=Keputusan," in old and "label=Keputusan penilai" in new


def test_camunda_attributes_and_extension_properties():
    old = read_fixture("processes/review.bpmn")["review.bpmn"]
    assert b"camunda:candidateGroups" in old or b"camunda:assignee" in old
    new = old.replace(b'camunda:assignee="${manager}"', b'camunda:assignee="${kepala}"')
    result = _changes(old, new, "review")
    props = {p.name for c in result.changes for p in c.properties}
    assert props == {"camunda:assignee"}


def test_removed_and_added_elements():
    old = read_fixture("processes/review.bpmn")["review.bpmn"]
    result = _changes(old, review_without_draft(), "review")
    removed = {c.element_id for c in result.of_kind("removed")}
    assert {"draft", "f2"} <= removed
    assert not result.of_kind("added")
    back = _changes(review_without_draft(), old, "review")
    assert {c.element_id for c in back.of_kind("added")} == removed


def test_unknown_process_in_a_file_is_not_found():
    with pytest.raises(NotFound):
        diff.elements_of_xml(PLAN, "tidak_ada")


def test_cli_diff_prints_the_changed_timer(deploy, cli, tmp_path):
    deploy("processes/review.bpmn")
    changed = tmp_path / "review.bpmn"
    changed.write_bytes(read_fixture("processes/review.bpmn")["review.bpmn"].replace(
        b'camunda:dueDate="P7D"', b'camunda:dueDate="P14D"'))
    out = cli("bpmn", "diff", str(changed), "--process", "review")
    assert '~ userTask approve "Approve targets" (changed)' in out
    assert "camunda:dueDate: P7D -> P14D" in out and "0 added, 0 removed, 1 changed" in out
    assert "no such process" not in cli("bpmn", "diff", str(changed), "--process", "review", "--version", "1")
    out = cli("bpmn", "diff", str(changed), "--process", "review", "--version", "4", code=1)
    assert "no version 4" in out


def test_cli_diff_refuses_a_broken_file(deploy, cli, tmp_path):
    deploy("processes/review.bpmn")
    broken = tmp_path / "broken.bpmn"
    broken.write_bytes(b"<bpmn:definitions")
    assert "broken.bpmn:1:" in cli("bpmn", "diff", str(broken), "--process", "review", code=1)


def test_deployed_versions_are_compared_with_their_called_processes(deploy, session):
    from tests.engine.migration_helpers import review_without_archive
    deploy("processes/review.bpmn")
    deploy(files={"review.bpmn": review_without_archive()})
    [main] = diff.diff_versions(session, "review", 1, 2)
    assert {c.element_id for c in main.of_kind("removed")} == {"archive", "f8"}
    changed = {c.element_id: c.properties for c in main.of_kind("changed")}
    assert diff.PropertyChange("targetRef", "archive", "join") in changed["f6"]
    with pytest.raises(NotFound):
        diff.diff_versions(session, "review", 1, 3)
