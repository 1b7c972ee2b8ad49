"""Notifications written with the inbox rows: new tasks, reminders, escalations; reading and e-mail marks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine import notifications
from engine.clock import clock
from engine.errors import NotFound
from engine.models import Notification
from tests.conftest import worker_pass as _pass

T0 = datetime(2027, 1, 2, 8, 0, tzinfo=UTC)
DEADLINE = "2027-01-31T23:59:59+08:00"


def rows(session) -> list[tuple[str, str, str, str]]:
    session.expire_all()
    return [(n.kind, n.recipient_kind, n.recipient, n.title) for n in session.execute(
        select(Notification).order_by(Notification.id)).scalars()]


def test_a_task_is_notified_when_created_reminded_once_and_escalated_to_the_group(deploy, start, session, complete,
                                                                                 open_tasks):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {"employee": "ani", "manager": "budi", "deadline": DEADLINE})
    assert rows(session) == [("task_created", "user", "ani", "Submit SKP")]
    _pass(session, T0 + timedelta(days=7, seconds=1))
    assert rows(session)[1:] == [("reminder", "user", "ani", "Submit SKP")]
    _pass(session, T0 + timedelta(days=8))
    assert len(rows(session)) == 2  # a timer reminds once
    _pass(session, datetime(2027, 2, 1, tzinfo=UTC))
    assert rows(session)[2:] == [("escalation", "group", "pengelola_kinerja", "Complete for the employee")]
    [_task] = open_tasks(instance.id)
    assert notifications.unread_count(session, "pengelola1", ["pengelola_kinerja"]) == 1
    assert notifications.unread_count(session, "pengelola1", []) == 0


def test_a_task_reached_by_completing_another_is_a_new_task_not_an_escalation(deploy, start, session, complete,
                                                                              open_tasks):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    instance = start("deadlines", {"employee": "ani", "manager": "budi", "deadline": DEADLINE})
    [submit] = open_tasks(instance.id)
    complete(submit, "ani")
    _pass(session, T0 + timedelta(days=15))  # the 14-day wait, no reminder: the task was done
    assert [r[:3] for r in rows(session)] == [("task_created", "user", "ani"), ("task_created", "user", "budi")]


def test_reading_is_for_the_recipient_only_and_a_mail_mark_is_set_once(deploy, start, session):
    clock.set(T0)
    deploy("processes/deadlines.bpmn")
    start("deadlines", {"employee": "ani", "manager": "budi", "deadline": DEADLINE})
    [notice] = session.execute(select(Notification)).scalars().all()
    try:
        notifications.mark_read(session, notice.id, "budi", ["ani"])  # a group named like a user is not the user
        raise AssertionError("budi read ani's notification")
    except NotFound:
        pass
    assert notifications.unread_count(session, "ani") == 1
    notifications.mark_read(session, notice.id, "ani")
    assert notifications.unread_count(session, "ani") == 0
    assert notifications.unsent(session, T0 - timedelta(days=1)) == [notice]
    notifications.mark_emailed(session, [notice.id], T0)
    later = T0 + timedelta(hours=1)
    notifications.mark_emailed(session, [notice.id], later)
    session.commit()
    session.expire_all()
    assert notifications.unsent(session, T0 - timedelta(days=1)) == []
    assert session.get(Notification, notice.id).emailed_at == T0


def test_recipients_are_the_holder_else_every_candidate():
    assert notifications.recipients("ani", [("group", "g")]) == [("user", "ani")]
    assert notifications.recipients(None, [("user", "b"), ("group", "g"), ("user", "b")]) == [
        ("user", "b"), ("group", "g")]
    assert notifications.recipients(None, [("group", "g")], claimed_by="c") == [("user", "c")]
