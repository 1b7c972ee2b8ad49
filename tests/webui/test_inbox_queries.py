"""The inbox page costs a fixed number of SQL statements whatever the number of tasks, and never restores a workflow."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from engine.clock import clock
from engine.models import Notification
from engine.runtime.lifecycle import instances
from engine.runtime.running import execution
from tests.webui.inbox_fixtures import STAFF_NIP, give_tasks


@contextmanager
def counting(app) -> Iterator[list[str]]:
    from webui.extensions import db
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def no_restore(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the inbox restored a workflow")
    monkeypatch.setattr(execution, "restore", refuse)
    monkeypatch.setattr(instances, "load", refuse)


@pytest.mark.parametrize("path", ["/", "/?tab=kelompok", "/?tahun=2027&tahap=perencanaan_skp", "/?unit=2",
                                  "/notifikasi"])
def test_the_same_statements_for_one_task_and_forty(app, as_user, no_restore, path):
    browser = as_user(STAFF_NIP)
    browser.get(path)  # warm up: the session's first request loads what every later one reuses
    with counting(app) as few:
        page = browser.get(path)
    assert page.status_code == 200
    ids = give_tasks(app, STAFF_NIP, 40)
    if path == "/notifikasi":
        from webui.extensions import db
        with app.app_context():
            db.session.add_all(Notification(recipient_kind="user", recipient=STAFF_NIP, kind="reminder",
                                            human_task_id=task_id, title=f"Pengingat {task_id}", created_at=clock.now())
                               for task_id in ids)
            db.session.commit()
    with counting(app) as many:
        page = browser.get(path)
    assert page.status_code == 200
    if path in ("/", "/notifikasi"):
        assert page.get_data(as_text=True).count("Pengingat " if path == "/notifikasi" else 'href="/tugas/') >= 25
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= 8, "\n".join(few)


ODD = ["tab=xyz", "tahun=abc", "tahun=1800", "unit=99999", "unit=x", "halaman=-3", "halaman=999",
       "tahap=%3Cscript%3E"]


def test_odd_addresses_show_the_inbox_not_an_error(as_user):
    browser = as_user(STAFF_NIP)
    for query in ODD:
        page = browser.get(f"/?{query}", follow_redirects=True)
        assert page.status_code == 200, query
        assert "<script>" not in page.get_data(as_text=True).split("<main", 1)[1], query
