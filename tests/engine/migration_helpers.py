"""A second version of the review fixture process without its drafting step (shared by the migration tests)."""

from __future__ import annotations

from tests.conftest import read_fixture

PEOPLE = {"employee": "ani", "manager": "budi", "unit_group": "g"}


def review_without_draft() -> bytes:
    """Return review.bpmn with the drafting step removed: an instance that drafted cannot move to it."""
    original = read_fixture("processes/review.bpmn")["review.bpmn"]
    start_at = original.index(b'<bpmn:userTask id="draft"')
    end_at = original.index(b"</bpmn:userTask>", start_at) + len(b"</bpmn:userTask>")
    return (original[:start_at] + original[end_at:]).replace(
        b"<bpmn:flowNodeRef>draft</bpmn:flowNodeRef>", b"").replace(
        b'<bpmn:sequenceFlow id="f2" sourceRef="draft" targetRef="approve" />', b"").replace(
        b'sourceRef="start" targetRef="draft"', b'sourceRef="start" targetRef="approve"').replace(
        b'sourceRef="decide" targetRef="draft"', b'sourceRef="decide" targetRef="approve"').replace(
        b"<bpmn:incoming>f2</bpmn:incoming>", b"<bpmn:incoming>f1</bpmn:incoming>")


def review_without_archive() -> bytes:
    """Return review.bpmn without the archiving branch: an instance waiting there cannot move to it."""
    original = read_fixture("processes/review.bpmn")["review.bpmn"]
    start_at = original.index(b'<bpmn:userTask id="archive"')
    end_at = original.index(b"</bpmn:userTask>", start_at) + len(b"</bpmn:userTask>")
    return (original[:start_at] + original[end_at:]).replace(
        b"<bpmn:flowNodeRef>archive</bpmn:flowNodeRef>", b"").replace(
        b'<bpmn:sequenceFlow id="f8" sourceRef="archive" targetRef="join" />', b"").replace(
        b'sourceRef="split" targetRef="archive"', b'sourceRef="split" targetRef="join"').replace(
        b"<bpmn:incoming>f8</bpmn:incoming>", b"<bpmn:incoming>f6</bpmn:incoming>")
