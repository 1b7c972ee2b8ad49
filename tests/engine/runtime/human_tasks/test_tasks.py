"""Task actions: form validation, who may act, conflicts; a refusal leaves everything as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import audit
from engine.errors import Conflict, Forbidden, FormInvalid, InvalidInput, NotFound
from engine.models import AuditEvent, Instance, TaskCandidate
from engine.runtime.human_tasks import tasks


def _snapshot(session, instance_id):
    session.expire_all()
    instance = session.get(Instance, instance_id)
    count = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return instance.version, instance.state, count


@pytest.fixture
def review(deploy, start, open_tasks):
    deploy("processes/review.bpmn")
    instance = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"})
    return instance, open_tasks(instance.id)[0]


@pytest.mark.parametrize("data, field, code", [
    ({}, "target", "required"),
    ({"target": "abc"}, "target", "invalid_number"),
    ({"target": 0}, "target", "below_minimum"),
    ({"target": 101}, "target", "above_maximum"),
    ({"target": 5, "note": "x" * 21}, "note", "too_long"),
    ({"target": 5, "hacked": 1}, "hacked", "unknown_field"),
    ({"target": True}, "target", "invalid_number"),
])
def test_invalid_form_data_is_refused_and_nothing_changes(review, complete, session, data, field, code):
    instance, draft = review
    before = _snapshot(session, instance.id)
    with pytest.raises(FormInvalid) as refused:
        complete(draft, "ani", data)
    assert code in [e["code"] for e in refused.value.errors[field]]
    assert _snapshot(session, instance.id) == before


def test_enum_date_and_length_constraints_of_the_example_form(deploy, start, open_tasks, complete, session):
    from pathlib import Path
    example = Path(__file__).resolve().parents[4] / "bpmn" / "examples"
    files = {p.name: p.read_bytes() for p in example.iterdir()}
    deploy(files=files)
    instance = start("izin_pelatihan", {"pegawai": "ani", "penilai": "budi",
                                        "batas_tinjau": "2027-03-01"})
    [ajukan] = open_tasks(instance.id)
    tasks.claim(session, ajukan.id, "ani")
    session.commit()
    with pytest.raises(FormInvalid) as refused:
        complete(ajukan, "ani", {"nama_pelatihan": "Dik", "jenis": "lainnya",
                                 "tanggal_mulai": "31-01-2027"}, )
    errors = refused.value.errors
    assert [e["code"] for e in errors["nama_pelatihan"]] == ["too_short"]
    assert [e["code"] for e in errors["jenis"]] == ["not_in_choices"]
    assert [e["code"] for e in errors["tanggal_mulai"]] == ["invalid_date"]


def test_only_the_assignee_may_complete(review, complete, session):
    instance, draft = review
    before = _snapshot(session, instance.id)
    with pytest.raises(Forbidden):
        complete(draft, "mallory", {"target": 5})
    assert _snapshot(session, instance.id) == before


def test_double_completion_is_a_conflict(review, complete, session):
    instance, draft = review
    complete(draft, "ani", {"target": 5})
    after_first = _snapshot(session, instance.id)
    with pytest.raises(Conflict) as conflict:
        complete(draft, "ani", {"target": 6})
    assert conflict.value.details["state"] == "completed"
    assert _snapshot(session, instance.id) == after_first


def test_candidates_claim_unclaim_and_reassign(review, complete, open_tasks, session, events):
    instance, draft = review
    complete(draft, "ani", {"target": 5})
    [approve] = open_tasks(instance.id)
    with pytest.raises(Forbidden, match="claim it first"):
        complete(approve, "citra", {"decision": "approve"}, groups=("hr",))
    with pytest.raises(Forbidden):
        tasks.claim(session, approve.id, "mallory", groups=("finance",))
    session.rollback()
    tasks.claim(session, approve.id, "citra", groups=("hr",))
    session.commit()
    with pytest.raises(Conflict):
        tasks.claim(session, approve.id, "dedi", groups=("hr",))
    session.rollback()
    tasks.unclaim(session, approve.id, "citra")
    session.commit()
    with pytest.raises(InvalidInput):
        tasks.reassign(session, approve.id, "op", "dedi", " ", privileged=True)
    session.rollback()
    tasks.reassign(session, approve.id, "op", "dedi", "citra is on leave", privileged=True)
    session.commit()
    complete(approve, "dedi", {"decision": "approve"})
    kinds = [e for e, _ in events(instance.id)]
    assert {"task_claimed", "task_unclaimed", "task_reassigned"} <= set(kinds)
    reassigned = [d for e, d in events(instance.id) if e == "task_reassigned"][0]
    assert reassigned["to"] == "dedi" and reassigned["reason"] == "citra is on leave"


def test_task_completed_records_submitted_data_and_changes(review, complete, events):
    instance, draft = review
    complete(draft, "ani", {"target": 42, "note": "first"})
    [done] = [d for e, d in events(instance.id) if e == "task_completed"]
    assert done["submitted"] == {"target": 42, "note": "first"}
    assert done["changes"]["target"] == {"before": None, "after": 42}


def test_unknown_task(session):
    with pytest.raises(NotFound):
        tasks.complete(session, 999999, "ani", {})


def test_a_confidential_tasks_answers_are_audited_apart_and_leave_the_saved_state(deploy, start, open_tasks,
                                                                                   complete, session):
    deploy("processes/confidential.bpmn")
    instance = start("confidential", {"rater": "rina", "owner": "ani"})
    [secret] = open_tasks(instance.id)
    assert secret.properties["confidential"] == "true"
    complete(secret, "rina", {"secret_score": 987654})
    events = [audit.event_dict(e) for e in audit.events_of(session, instance.id)]
    [completed] = [e for e in events if e["event_type"] == "task_completed"]
    assert completed["actor"] == "rina" and completed["data"] == {
        "bpmn_id": "secret_task", "name": "Answer in confidence", "confidential": True}
    [restricted] = [e for e in events if audit.is_confidential(e)]
    assert restricted["event_type"] == audit.CONFIDENTIAL_EVENT
    assert restricted["data"]["submitted"] == {"secret_score": 987654}
    assert restricted["human_task_id"] == completed["human_task_id"]
    # The model kept only that an answer came; the answer is in no saved step, but the flow went on.
    session.expire_all()
    assert "987654" not in session.get(Instance, instance.id).state
    [look] = open_tasks(instance.id)
    assert look.bpmn_id == "open_task"
    assert audit.verify(session) == []


def test_an_ordinary_tasks_completion_keeps_its_answers_in_the_event(review, complete, session):
    instance, draft = review
    complete(draft, "ani", {"target": 5})
    [completed] = [audit.event_dict(e) for e in audit.events_of(session, instance.id)
                   if e.event_type == "task_completed"]
    assert completed["data"]["submitted"]["target"] == 5 and "confidential" not in completed["data"]
    assert not any(e.event_type == audit.CONFIDENTIAL_EVENT for e in audit.events_of(session, instance.id))


def test_a_completed_tasks_offers_stay_on_record_but_leave_the_open_offers(review, complete, open_tasks, session):
    instance, draft = review
    complete(draft, "ani", {"target": 5})
    [approve] = open_tasks(instance.id)
    offers = lambda: session.execute(select(TaskCandidate.kind, TaskCandidate.value, TaskCandidate.task_open)  # noqa: E731
                                     .where(TaskCandidate.human_task_id == approve.id)).all()
    assert offers() and all(is_open for _, _, is_open in offers())
    tasks.claim(session, approve.id, "citra", groups=("hr",))
    session.commit()
    complete(approve, "citra", {"decision": "approve"})
    session.expire_all()
    assert offers() and not any(is_open for _, _, is_open in offers())  # who was offered it is still known
