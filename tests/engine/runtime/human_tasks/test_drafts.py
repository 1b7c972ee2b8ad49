"""Drafts: saved per task and user as given, replaced on a second save, never another user's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from engine.clock import clock
from engine.models import TaskDraft
from engine.runtime.human_tasks import drafts


@pytest.fixture
def task(deploy, start, open_tasks):
    deploy("processes/review.bpmn")
    instance = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"})
    return open_tasks(instance.id)[0]


def test_a_draft_is_kept_as_given_and_replaced_by_the_next_save(task, session):
    clock.set(datetime(2027, 1, 4, 2, 0, tzinfo=UTC))
    drafts.save(session, task.id, "ani", {"target": "abc", "note": ""})
    session.commit()
    clock.set(datetime(2027, 1, 5, 3, 0, tzinfo=UTC))
    drafts.save(session, task.id, "ani", {"target": "7"})
    session.commit()
    draft = drafts.get(session, task.id, "ani")
    assert draft is not None and draft.data == {"target": "7"}
    assert draft.saved_at == datetime(2027, 1, 5, 3, 0, tzinfo=UTC)
    assert session.execute(select(func.count()).select_from(TaskDraft)).scalar_one() == 1


def test_a_draft_belongs_to_its_user_only(task, session):
    drafts.save(session, task.id, "ani", {"target": "5"})
    session.commit()
    assert drafts.get(session, task.id, "budi") is None
    drafts.save(session, task.id, "budi", {"target": "9"})
    session.commit()
    assert drafts.get(session, task.id, "ani").data == {"target": "5"}
    assert drafts.discard(session, task.id, "budi") == 1
    assert drafts.get(session, task.id, "ani") is not None


def test_discarding_a_task_s_drafts_removes_every_user_s(task, session):
    drafts.save(session, task.id, "ani", {"target": "5"})
    drafts.save(session, task.id, "budi", {"target": "6"})
    session.commit()
    assert drafts.discard(session, task.id) == 2
    session.commit()
    assert drafts.get(session, task.id, "ani") is None and drafts.get(session, task.id, "budi") is None


def test_completing_a_task_forgets_its_drafts_whoever_completes_it(task, session, complete):
    # The web, the CLI or an API: the engine's completion drops every user's draft of the task with it.
    drafts.save(session, task.id, "ani", {"target": "7"})
    drafts.save(session, task.id, "budi", {"target": "8"})
    session.commit()
    complete(task, "ani", {"target": 10})
    assert session.execute(select(func.count()).select_from(TaskDraft)).scalar_one() == 0


def test_a_refused_completion_keeps_the_draft(task, session, complete):
    from engine.errors import FormInvalid
    drafts.save(session, task.id, "ani", {"target": "abc"})
    session.commit()
    with pytest.raises(FormInvalid):
        complete(task, "ani", {"target": "abc"})
    session.rollback()
    assert drafts.get(session, task.id, "ani") is not None
