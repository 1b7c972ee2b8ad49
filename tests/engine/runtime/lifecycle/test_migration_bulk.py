"""Moving every unfinished instance of a version: the dry run changes nothing, the real run needs a reason."""

from __future__ import annotations

import pytest

from engine.errors import InvalidState
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import migration_bulk
from tests.engine.migration_helpers import PEOPLE, review_without_archive


@pytest.fixture
def three(deploy, start, open_tasks, complete, session):
    """Three review instances on v1 (one approved, waiting at archive), then v2 without the archive step."""
    deploy("processes/review.bpmn")
    waiting = [start("review", PEOPLE, key=f"k{i}") for i in range(2)]
    drafted = start("review", PEOPLE, key="k-approved")
    complete(open_tasks(drafted.id)[0], "ani", {"target": 4})
    approve = open_tasks(drafted.id)[0]
    tasks.claim(session, approve.id, "budi", ("g",))
    session.commit()
    complete(approve, "budi", {"decision": "approve"}, groups=("g",))
    deploy(files={"review.bpmn": review_without_archive()})
    return [w.id for w in waiting], drafted.id


def _migrated(events, instance_id):
    return [data for kind, data in events(instance_id) if kind == "instance_migrated"]


def test_dry_run_reports_each_instance_and_moves_nothing(three, session, reload, events):
    waiting, drafted = three
    result = migration_bulk.migrate_many(session, "review", 1, 2, "op", "", dry_run=True)
    session.commit()
    assert [o.instance_id for o in result.movable] == waiting
    [refused] = result.refused
    assert refused.instance_id == drafted and "waits at archive" in (refused.why_not or "")
    assert refused.waiting == ("archive",) and refused.lost == ()
    assert all(reload(i).spec_version.version == 1 for i in [*waiting, drafted])
    assert not any(_migrated(events, i) for i in [*waiting, drafted])


def test_real_run_moves_those_that_can_with_the_reason_audited(three, session, reload, events):
    waiting, drafted = three
    before = reload(drafted).version
    result = migration_bulk.migrate_many(session, "review", 1, 2, "op", "Langkah arsip dihapus", dry_run=False)
    session.commit()
    assert len(result.movable) == 2 and [o.instance_id for o in result.refused] == [drafted]
    for instance_id in waiting:
        assert reload(instance_id).spec_version.version == 2
        [moved] = _migrated(events, instance_id)
        assert moved["reason"] == "Langkah arsip dihapus" and moved["to_version"] == 2
    stay = reload(drafted)
    assert stay.spec_version.version == 1 and stay.version == before and not _migrated(events, drafted)
    # Nothing is left on v1 that could still move.
    again = migration_bulk.migrate_many(session, "review", 1, 2, "op", "", dry_run=True)
    assert [o.instance_id for o in again.outcomes] == [drafted]


def test_real_run_without_a_reason_is_refused(three, session, reload):
    waiting, _ = three
    with pytest.raises(InvalidState, match="reason"):
        migration_bulk.migrate_many(session, "review", 1, 2, "op", "   ", dry_run=False)
    session.rollback()
    assert reload(waiting[0]).spec_version.version == 1


def test_chunks_continue_after_the_last_instance(three, session, reload):
    waiting, drafted = three
    first = migration_bulk.migrate_many(session, "review", 1, 2, "op", "bertahap", dry_run=False, limit=1)
    session.commit()
    assert [o.instance_id for o in first.outcomes] == waiting[:1] and first.remaining == 2
    rest = migration_bulk.migrate_many(session, "review", 1, 2, "op", "bertahap", dry_run=False, limit=5,
                                       after_id=first.last_id)
    session.commit()
    assert [o.instance_id for o in rest.outcomes] == [waiting[1], drafted] and rest.remaining == 0
    assert migration_bulk.unfinished_count(session, "review", 1) == 1


def test_unknown_version_and_same_version_are_refused(three, session):
    from engine.errors import NotFound
    with pytest.raises(NotFound):
        migration_bulk.migrate_many(session, "review", 1, 9, "op", "x", dry_run=True)
    with pytest.raises(InvalidState):
        migration_bulk.migrate_many(session, "review", 2, 2, "op", "x", dry_run=True)


def test_cli_bulk_dry_run_then_real_run(three, cli, reload, events, session):
    waiting, approved = three
    out = cli("instance", "migrate", "--process", "review", "--from-version", "1", "--to-version", "2", "--dry-run")
    assert f"instance {waiting[0]} (k0, running): can move" in out
    assert f"instance {approved} (k-approved, running): cannot move:" in out and "waits at archive" in out
    assert "2 can move, 1 cannot move (dry run: nothing changed)" in out
    assert reload(waiting[0]).spec_version.version == 1
    session.rollback()  # end the test's read, so the command can write (SQLite locks the file)
    out = cli("instance", "migrate", "--process", "review", "--from-version", "1", "--to-version", "2", code=1)
    assert "--reason" in out and reload(waiting[0]).spec_version.version == 1
    session.rollback()
    out = cli("instance", "migrate", "--process", "review", "--from-version", "1", "--to-version", "2",
              "--reason", "Arsip tidak dipakai lagi", "--actor", "ops")
    assert "2 moved, 1 not moved" in out
    assert _migrated(events, waiting[1])[0]["reason"] == "Arsip tidak dipakai lagi"


def test_cli_one_instance_form_still_works(three, cli, reload, session):
    waiting, _ = three
    session.rollback()
    out = cli("instance", "migrate", str(waiting[0]), "--version", "2")
    assert f"instance {waiting[0]} is on version 2" in out and reload(waiting[0]).spec_version.version == 2
