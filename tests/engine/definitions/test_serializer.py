"""The stored state: packed, restored to the same workflow, and the library's own format still loads."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from engine.audit.seals import seal_instance, sha256_text
from engine.definitions.serializer import (
    LIBRARY_STATE_VERSION,
    STATE_VERSION,
    dump_plain_state,
    dump_state,
    load_state,
)
from engine.definitions.specs import spec_of
from engine.definitions.state_pack import pack, unpack
from engine.models import Instance
from engine.runtime.lifecycle import instances

SETTINGS = {"batas": "P30D", "grup": "wali_kota", "jenis": "triwulanan",
            "pegawai": [f"1968{n:014d}" for n in range(50)]}


@pytest.fixture
def waiting(deploy, start, session):
    """A parent process waiting in its call activity, started with a large variable."""
    deploy("processes/parent.bpmn", "processes/child.bpmn")
    instance = start("parent", {"owner": "citra", "settings": SETTINGS})
    run = instances.load(session, instance.id)
    spec, deps = spec_of(session, run.instance.spec_version_id, run.instance.spec_sha256)
    return instance, run.workflow, spec, deps


def test_the_stored_state_is_packed_smaller_and_restores_the_same_workflow(waiting, reload):
    instance, workflow, spec, deps = waiting
    assert reload(instance.id).serializer_version == STATE_VERSION
    plain, packed = dump_plain_state(workflow), dump_state(workflow)
    assert len(packed) < len(plain) * 0.6
    assert packed.count(json.dumps(SETTINGS["pegawai"])) == 1  # the sub-process's copy is not stored again
    restored = load_state(packed, STATE_VERSION, spec, deps)
    assert dump_plain_state(restored) == plain


def _seen_by_others(restored):
    """Change the first task holding the settings; return which other tasks see each change."""
    holders = [task for task in restored.get_tasks() if "settings" in task.data]
    holders[0].data["owner"] = "changed"
    holders[0].data["settings"]["grup"] = "changed"
    return len(holders), [(task.data["owner"], task.data["settings"]["grup"]) for task in holders[1:]]


def test_every_task_gets_its_own_data_on_restore(waiting):
    _, workflow, spec, deps = waiting
    holders, seen = _seen_by_others(load_state(dump_state(workflow), STATE_VERSION, spec, deps))
    assert holders > 2
    assert all(owner == "citra" for owner, _ in seen)
    # Nested values: no more shared than the library's own restore shares them (its delta merge copies
    # one level deep), so a task's data behaves the same whichever format it came from.
    assert (holders, seen) == _seen_by_others(load_state(dump_plain_state(workflow), LIBRARY_STATE_VERSION,
                                                         spec, deps))


def test_a_state_stored_in_the_library_format_loads_runs_and_is_stored_packed(
        waiting, open_tasks, complete, reload, session):
    instance, workflow, _, _ = waiting
    row = reload(instance.id)
    plain = dump_plain_state(workflow)
    state_hash = sha256_text(plain)  # as the previous release stored and sealed it
    session.execute(update(Instance).where(Instance.id == instance.id).values(
        state=plain, serializer_version=LIBRARY_STATE_VERSION, state_hash=state_hash,
        seal=seal_instance(instance.id, row.audit_seq, row.audit_hash, state_hash)))
    session.commit()
    [inside] = open_tasks(instance.id)
    complete(inside, "citra", {"child_note": "ok"})
    stored = reload(instance.id)
    assert stored.serializer_version == STATE_VERSION
    assert instances.variables(instances.load(session, instance.id))["child_note"] == "ok"


def test_an_unknown_state_format_is_refused(waiting):
    _, workflow, spec, deps = waiting
    with pytest.raises(ValueError, match="unknown state format"):
        load_state(dump_state(workflow), LIBRARY_STATE_VERSION + "+kinerja.99", spec, deps)


def test_packing_keeps_tasks_of_another_shape_as_the_library_wrote_them(waiting):
    _, workflow, _, _ = waiting
    state = json.loads(dump_plain_state(workflow))
    first, second, *_ = state["tasks"].values()
    first["extra"] = {"kept": True}  # a field this format does not know
    second["parent"] = None  # a parent the children do not give
    assert unpack(pack(json.loads(json.dumps(state)), json.JSONEncoder)) == state
