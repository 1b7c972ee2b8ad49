"""Every kind of SQL tampering is named by `audit verify`, and the engine refuses to run what was edited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from engine import audit
from engine.audit import checkpoints
from engine.definitions.specs import spec_cache
from engine.models import HumanTask, Instance, SpecVersion, TaskCandidate
from engine.runtime.human_tasks import tasks

from .helpers import delete_instance, guessed_key, plain_sha256, recompute_chain


@pytest.fixture
def counter(deploy, start, open_tasks):
    """A deployed process with a script (`hits = 1`) and a running instance waiting at ani's task."""
    version = deploy("processes/counter.bpmn")["counter"]
    instance = start("counter", {"employee": "ani"}, key="one")
    return version, instance, open_tasks(instance.id)[0]


def _only_breach(session):
    [breach] = audit.verify(session)
    return breach


def test_an_untouched_trail_is_intact_and_runs(counter, complete, session):
    _, _, task = counter
    assert audit.verify(session) == []
    complete(task, "ani", {"score": 5})
    assert audit.verify(session) == []


def test_an_edited_instance_state_is_named_and_refuses_to_run(counter, complete, session):
    _, instance, task = counter
    state = session.execute(select(Instance.state).where(Instance.id == instance.id)).scalar_one()
    assert '"ani"' in state
    session.execute(update(Instance).where(Instance.id == instance.id).values(state=state.replace('"ani"', '"eve"')))
    session.commit()
    breach = _only_breach(session)
    assert (breach.chain, breach.part) == (f"instance:{instance.id}", "state")
    assert "state was edited" in breach.message
    with pytest.raises(audit.Tampered, match=r"refuses to run: .*state was edited"):
        complete(task, "ani", {"score": 5})


def test_a_state_edited_with_its_hash_recomputed_is_named_too(counter, complete, session):
    _, instance, task = counter
    state = session.execute(select(Instance.state).where(Instance.id == instance.id)).scalar_one()
    edited = state.replace('"ani"', '"eve"')
    session.execute(update(Instance).where(Instance.id == instance.id).values(
        state=edited, state_hash=plain_sha256(edited)))
    session.commit()
    breach = _only_breach(session)
    assert breach.chain == f"instance:{instance.id}" and "does not match its seal" in breach.message
    with pytest.raises(audit.Tampered):
        complete(task, "ani", {"score": 5})


def test_an_edited_deployed_spec_is_named_and_never_runs(counter, start, complete, session):
    version, _, task = counter
    spec_json = session.execute(select(SpecVersion.spec_json).where(SpecVersion.id == version.id)).scalar_one()
    assert "hits = 1" in spec_json
    session.execute(update(SpecVersion).where(SpecVersion.id == version.id).values(
        spec_json=spec_json.replace("hits = 1", "hits = 999")))
    session.commit()
    spec_cache.clear()  # a restarted process: the spec is read from the database again
    breach = _only_breach(session)
    assert (breach.chain, breach.part) == (f"spec_version:{version.id}", "definition")
    assert "executable spec" in breach.message
    with pytest.raises(audit.Tampered, match=r"process counter version 1 .* refuses to run"):
        start("counter", {"employee": "budi"}, key="two")
    session.rollback()
    with pytest.raises(audit.Tampered):
        complete(task, "ani", {"score": 5})
    assert session.execute(select(Instance.id).where(Instance.business_key == "two")).first() is None


def test_edited_stored_xml_is_named(counter, session):
    version, _, _ = counter
    files = session.execute(select(SpecVersion.files).where(SpecVersion.id == version.id)).scalar_one()
    name = next(iter(files))
    session.execute(update(SpecVersion).where(SpecVersion.id == version.id).values(
        files={name: files[name].replace("hits = 1", "hits = 999")}))
    session.commit()
    breach = _only_breach(session)
    assert breach.chain == f"spec_version:{version.id}" and "XML" in breach.message


def test_an_edited_task_assignee_is_named_and_nobody_acts_on_it(counter, complete, session):
    _, instance, task = counter
    session.execute(update(HumanTask).where(HumanTask.id == task.id).values(assignee="eve"))
    session.commit()
    breach = _only_breach(session)
    assert (breach.chain, breach.part) == (f"instance:{instance.id}", "task")
    assert f"task {task.id} (check)" in breach.message and "edited" in breach.message
    with pytest.raises(audit.Tampered, match=f"task {task.id} refuses"):
        complete(task, "eve", {"score": 5})


def test_a_candidate_added_by_sql_is_named_and_cannot_claim(deploy, start, open_tasks, session):
    deploy("processes/review.bpmn")
    instance = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"}, key="one")
    task = open_tasks(instance.id)[0]
    tasks.complete(session, task.id, "ani", {"target": 10})
    session.commit()
    approve = open_tasks(instance.id)[0]
    session.add(TaskCandidate(human_task_id=approve.id, kind="user", value="eve"))
    session.commit()
    breach = _only_breach(session)
    assert breach.chain == f"instance:{instance.id}" and "candidates were edited" in breach.message
    with pytest.raises(audit.Tampered):
        tasks.claim(session, approve.id, "eve")
    session.rollback()


def test_an_edited_task_form_is_named_and_refused(counter, complete, session):
    _, instance, task = counter
    form = json.loads(json.dumps(task.form))
    form["fields"][0]["validation"] = []  # the 0..100 bound removed
    session.execute(update(HumanTask).where(HumanTask.id == task.id).values(form=form))
    session.commit()
    breach = _only_breach(session)
    assert breach.chain == f"instance:{instance.id}" and f"task {task.id}" in breach.message
    with pytest.raises(audit.Tampered):
        complete(task, "ani", {"score": 500})


def test_a_deleted_instance_and_its_chain_are_named_against_a_checkpoint(counter, start, session):
    _, instance, _ = counter
    kept = start("counter", {"employee": "budi"}, key="two")
    statement = checkpoints.make(session, "inspektorat")
    session.commit()
    delete_instance(session, instance.id)
    marks = checkpoints.marks(json.dumps(statement))
    breach = _only_breach_with(session, marks)
    assert breach.chain == f"instance:{instance.id}" and "the instance and its trail were deleted" in breach.message
    assert all(b.chain != f"instance:{kept.id}" for b in audit.verify(session, marks))


def _only_breach_with(session, marks):
    [breach] = audit.verify(session, marks)
    return breach


@pytest.mark.parametrize("key_id, digest", [(None, plain_sha256), ("sha256", plain_sha256), (None, guessed_key)],
                         ids=["plain-sha256", "as-legacy-events", "guessed-key"])
def test_a_chain_recomputed_without_the_key_is_named(counter, complete, session, key_id, digest):
    _, instance, task = counter
    recompute_chain(session, instance.id, key_id, digest)
    breach = _only_breach(session)
    assert breach.chain == f"instance:{instance.id}"
    with pytest.raises(audit.Tampered):
        complete(task, "ani", {"score": 5})
