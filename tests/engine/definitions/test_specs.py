"""Deploying versions: immutable, hashed, idempotent; instances stay on the version they started with."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.definitions import specs
from engine.errors import ValidationFailed
from engine.models import AuditEvent, SpecVersion
from tests.conftest import read_fixture


def test_deploy_stores_an_immutable_version(deploy, session):
    versions = deploy("processes/review.bpmn")
    review = versions["review"]
    assert (review.version, review.name, review.deployed_by) == (1, "Review with lanes", "tester")
    assert review.files == {"review.bpmn": read_fixture("processes/review.bpmn")["review.bpmn"].decode()}
    assert review.main_file == "review.bpmn" and len(review.sha256) == 64
    assert session.execute(select(AuditEvent.event_type)).scalars().all() == ["spec_deployed"]


def test_identical_content_changes_nothing(deploy, session):
    first = deploy("processes/review.bpmn")["review"]
    results = specs.deploy(session, read_fixture("processes/review.bpmn"), "tester")
    assert [(r.created, r.spec_version.id) for r in results] == [(False, first.id)]
    assert session.execute(select(func.count()).select_from(SpecVersion)).scalar_one() == 1


def test_changed_content_is_a_new_version_and_instances_keep_theirs(deploy, start, open_tasks, complete,
                                                                    reload):
    deploy("processes/review.bpmn")
    old = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"}, key="old")
    changed = read_fixture("processes/review.bpmn")["review.bpmn"].replace(b"Draft targets", b"Draft SKP")
    second = deploy(files={"review.bpmn": changed})["review"]
    assert second.version == 2
    new = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"}, key="new")
    assert reload(new.id).spec_version_id == second.id
    assert reload(old.id).spec_version.version == 1
    assert open_tasks(old.id)[0].name == "Draft targets"
    assert open_tasks(new.id)[0].name == "Draft SKP"
    complete(open_tasks(old.id)[0], "ani", {"target": 3})
    assert open_tasks(old.id)[0].bpmn_id == "approve"


def test_invalid_files_store_nothing(session):
    broken = read_fixture("processes/review.bpmn")["review.bpmn"].replace(b"P7D", b"P7X")
    broken = broken.replace(b'camunda:dueDate="P7X"', b'camunda:dueDate="soon"')
    with pytest.raises(ValidationFailed) as refused:
        specs.deploy(session, {"review.bpmn": broken}, "tester")
    assert refused.value.problems and all(p.file == "review.bpmn" for p in refused.value.problems)
    session.rollback()
    assert session.execute(select(func.count()).select_from(SpecVersion)).scalar_one() == 0
