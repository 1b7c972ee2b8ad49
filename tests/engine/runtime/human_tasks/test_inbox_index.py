"""The inbox query: exactly the open tasks a user holds, claimed or is offered, found through indexes only."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from engine.db.query_plans import accesses, show, statements_of
from engine.models import HumanTask, Instance, TaskCandidate
from engine.runtime.human_tasks import inbox
from tests.engine.runtime.inbox_rows import add_task, an_instance, crowd

USERS = ["sari", "rudi", None]
GROUPS = ["tata_usaha", "umum"]


def test_a_user_sees_what_they_hold_claimed_or_are_offered_and_nothing_closed_or_taken(session):
    instance = an_instance(session)
    held = add_task(session, instance, 1, assignee="sari")
    claimed = add_task(session, instance, 2, claimed_by="sari", candidates=(("group", "umum"),))
    offered = add_task(session, instance, 3, candidates=(("user", "sari"), ("group", "umum")))
    to_group = add_task(session, instance, 4, candidates=(("group", "tata_usaha"),))
    add_task(session, instance, 5, state="completed", assignee="sari")
    add_task(session, instance, 6, state="cancelled", candidates=(("user", "sari"),))
    add_task(session, instance, 7, claimed_by="rudi", candidates=(("user", "sari"),))
    add_task(session, instance, 8, assignee="rudi", candidates=(("group", "tata_usaha"),))
    add_task(session, instance, 9, candidates=(("group", "keuangan"),))
    session.commit()

    page = inbox.open_tasks_for(session, "sari", ["tata_usaha"])
    assert sorted(t.id for t in page.items) == sorted([held, claimed, offered, to_group])
    assert page.total == 4
    assert [t.id for t in inbox.open_tasks_for(session, "sari", []).items] == [held, claimed, offered]
    assert inbox.open_tasks_for(session, "rudi", []).total == 2
    assert inbox.open_tasks_for(session, "budi", ["umum"]).total == 1  # only the unclaimed offer


def test_paging_keeps_the_soonest_due_first_and_the_total(session):
    instance = an_instance(session)
    ids = [add_task(session, instance, n, assignee="sari") for n in range(7)]
    session.commit()
    first = inbox.open_tasks_for(session, "sari", [], limit=3)
    rest = inbox.open_tasks_for(session, "sari", [], limit=3, offset=3)
    assert first.total == rest.total == 7
    listed = [t.id for t in first.items + rest.items]
    assert len(set(listed)) == 6 and set(listed) <= set(ids)
    dues = [t.due_at for t in first.items + rest.items]
    assert dues == sorted(dues)


task_specs = st.lists(st.tuples(
    st.sampled_from(["open", "open", "completed", "cancelled"]), st.sampled_from(USERS), st.sampled_from(USERS),
    st.lists(st.sampled_from([("user", "sari"), ("user", "rudi"), ("group", "tata_usaha"), ("group", "umum")]),
             unique=True, max_size=2)), max_size=12)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=task_specs, user=st.sampled_from(["sari", "rudi"]), groups=st.lists(st.sampled_from(GROUPS), unique=True))
def test_the_listing_is_exactly_the_tasks_the_rules_give(session, specs, user, groups):
    session.execute(delete(TaskCandidate))
    session.execute(delete(HumanTask))
    instance = session.query(Instance).first() or an_instance(session)
    expected = set()
    for n, (state, assignee, claimed_by, candidates) in enumerate(specs):
        task_id = add_task(session, instance, n, state, assignee, claimed_by, tuple(candidates))
        offered = any((kind, value) == ("user", user) or (kind == "group" and value in groups)
                      for kind, value in candidates)
        if state == "open" and (user in (assignee, claimed_by) or (not assignee and not claimed_by and offered)):
            expected.add(task_id)
    session.flush()
    page = inbox.open_tasks_for(session, user, groups, limit=100)
    assert {t.id for t in page.items} == expected
    assert page.total == len(expected)
    session.rollback()


def test_the_listing_reads_human_task_through_indexes_never_a_full_scan(session):
    instance = an_instance(session)
    add_task(session, instance, 1, assignee="sari")
    add_task(session, instance, 2, candidates=(("group", "umum"),))
    crowd(session, instance, 3000)
    statements = statements_of(session, lambda: inbox.open_tasks_for(session, "sari", ["umum", "tata_usaha"]))
    assert len(statements) == 2  # the total and the page
    for sql, parameters in statements:
        plan = accesses(session, sql, parameters)
        printed = show(session, sql, parameters)
        tasks = [a for a in plan if a.table == "human_task"]
        assert tasks and not [a for a in tasks if a.full_scan], printed
        assert not [a for a in plan if a.table == "task_candidate" and a.full_scan], printed
        # Each lookup is by the user (assignee, claimer) or by id, never by the state alone; PostgreSQL
        # tells how many rows each read: a handful, not the crowd's hundreds of open tasks.
        assert all(any(column in a.condition for column in ("assignee", "claimed_by", "id", "rowid"))
                   for a in tasks), printed
        assert all(a.rows_read is None or a.rows_read <= 10 for a in plan), (plan, printed)
        assert {a.index for a in tasks} & {"ix_human_task_assignee_state", "ix_human_task_open_claimed_by"}, printed


def test_a_groups_offers_are_read_among_open_tasks_only_not_its_history(session):
    instance = an_instance(session)
    offered = add_task(session, instance, 1, candidates=(("group", "umum"),))
    crowd(session, instance, 3000, group="umum")  # ~520 offers of closed tasks, ~85 of open ones
    page = inbox.open_tasks_for(session, "budi", ["umum"], limit=500)
    assert offered in {t.id for t in page.items}
    assert page.total == 1 + len([n for n in range(3000) if n % 5 == 0 and n % 7 == 0])
    for sql, parameters in statements_of(session, lambda: inbox.open_tasks_for(session, "budi", ["umum"])):
        plan = accesses(session, sql, parameters)
        printed = show(session, sql, parameters)
        offers = [a for a in plan if a.table == "task_candidate"]
        assert offers and {a.index for a in offers} == {"ix_task_candidate_open"}, printed
        # PostgreSQL counts the rows: the open offers (86), not the ~600 of the group's history.
        assert all(a.rows_read is None or a.rows_read <= 100 for a in offers), (plan, printed)
