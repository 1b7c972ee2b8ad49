"""The inbox page's queries (tabs, counts, a page) read a user's tasks through indexes, never all of them."""

from __future__ import annotations

from engine.db.query_plans import accesses, show, statements_of
from engine.runtime.human_tasks import tasks
from tests.engine.runtime.inbox_rows import add_task, an_instance, crowd
from workflows.inbox.inbox_view import inbox_of


def test_the_inbox_page_reads_only_the_users_tasks_through_indexes(session):
    instance = an_instance(session)
    mine = add_task(session, instance, 1, assignee="sari")
    offered = add_task(session, instance, 2, candidates=(("group", "umum"),))
    crowd(session, instance, 3000)
    tasks.claim(session, offered, "sari", ["umum"])
    session.commit()
    found = inbox_of(session, "sari", ["umum"], "mine")
    assert [row.id for row in found.rows] == [mine, offered] and found.counts["mine"] == 2

    for tab in ("mine", "group"):
        for sql, parameters in statements_of(session, lambda tab=tab: inbox_of(session, "sari", ["umum"], tab)):
            plan = [a for a in accesses(session, sql, parameters) if a.table in ("human_task", "task_candidate")]
            printed = show(session, sql, parameters)
            assert not [a for a in plan if a.full_scan], printed
            assert all(a.rows_read is None or a.rows_read <= 10 for a in plan), (plan, printed)
