"""The inbox page costs a fixed number of SQL statements whatever the number of tasks, and never restores a workflow."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from engine.runtime import execution, instances
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
    give_tasks(app, STAFF_NIP, 40)
    with counting(app) as many:
        page = browser.get(path)
    assert page.status_code == 200
    if path == "/":
        assert page.get_data(as_text=True).count('href="/tugas/') >= 25  # a full page, not the one task
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= 8, "\n".join(few)
