"""Conditional events: the condition is translated at deploy and checked again after every step."""

from __future__ import annotations

import pytest

from engine.definitions.validation import validate
from tests.conftest import read_fixture
from tests.engine.conftest import final_data as _final


def test_an_intermediate_condition_fires_when_another_branch_makes_it_true(
        deploy, start, open_tasks, complete, reload, events):
    deploy("camunda7/events_conditional.bpmn")
    instance = start("events_conditional", {"berkas_lengkap": False, "ditarik": False})
    assert [t.bpmn_id for t in open_tasks(instance.id)] == ["Task_lengkapi"]  # the other branch waits
    complete(open_tasks(instance.id)[0], "ani", {"berkas_lengkap": True, "ditarik": False})
    [verify] = open_tasks(instance.id)
    assert verify.bpmn_id == "Task_verifikasi"
    complete(verify, "budi")
    assert reload(instance.id).status == "completed"
    assert "status_pengajuan" not in _final(events, instance.id)


def test_a_condition_already_true_passes_at_once(deploy, start, open_tasks):
    deploy("camunda7/events_conditional.bpmn")
    instance = start("events_conditional", {"berkas_lengkap": True, "ditarik": False})
    assert sorted(t.bpmn_id for t in open_tasks(instance.id)) == ["Task_lengkapi", "Task_verifikasi"]


def test_a_conditional_event_sub_process_interrupts_when_its_condition_becomes_true(
        deploy, start, open_tasks, complete, reload, events):
    deploy("camunda7/events_conditional.bpmn")
    instance = start("events_conditional", {"berkas_lengkap": False, "ditarik": False})
    # The applicant withdraws: the form writes the variable the event sub-process waits for.
    complete(open_tasks(instance.id)[0], "ani", {"berkas_lengkap": False, "ditarik": True})
    assert open_tasks(instance.id) == []
    assert reload(instance.id).status == "completed"
    assert _final(events, instance.id)["status_pengajuan"] == "ditarik"


def test_an_interrupting_conditional_boundary_fires_on_a_change_made_elsewhere(
        deploy, start, open_tasks, complete, reload):
    deploy("camunda7/events_conditional_boundary.bpmn")
    instance = start("events_conditional_boundary", {"versi": 1})
    assert sorted(t.bpmn_id for t in open_tasks(instance.id)) == ["Task_tinjau", "Task_ubah"]
    [change] = [t for t in open_tasks(instance.id) if t.bpmn_id == "Task_ubah"]
    complete(change, "ani", {"versi": 2})
    [again] = open_tasks(instance.id)
    assert again.bpmn_id == "Task_tinjau_ulang"  # the review in progress was interrupted
    complete(again, "budi")
    assert reload(instance.id).status == "completed"


def test_a_condition_on_a_missing_variable_is_an_incident(deploy, start, reload):
    deploy("camunda7/events_conditional.bpmn")
    instance = start("events_conditional", {"ditarik": False})
    stored = reload(instance.id)
    assert stored.status == "error"
    assert "berkas_lengkap" in stored.error["message"] or "berkas_lengkap" in str(stored.error)


@pytest.mark.parametrize("line, words", [
    (13, "passes variables with its signal"),
    (18, "remove Variable name"),
    (33, "catches the same error as boundary event 'Event_salah_tahap'"),
    (59, "without an event"),
    (70, "non-interrupting conditional event"),
    (80, "interrupting timer cycle"),
])
def test_refused_events_point_at_their_line(line, words):
    checked, problems = validate(read_fixture("camunda7/events_refused.bpmn"))
    assert checked is None
    assert any(p.line == line and words in p.message for p in problems), problems


@pytest.mark.parametrize("line, words", [
    (7, "cannot run link events as intermediate throw events; connect the two places with a sequence flow"),
    (11, "cannot run link events as intermediate catch events"),
    (15, "cannot run escalation events as intermediate catch events"),
])
def test_event_definitions_kinerja_would_skip_are_refused(line, words):
    checked, problems = validate(read_fixture("camunda7/events_definitions_refused.bpmn"))
    assert checked is None
    assert any(p.line == line and words in p.message for p in problems), problems
