"""`audit verify` streams the trail: it never holds more than a batch of events beyond the chain it checks."""

from __future__ import annotations

from sqlalchemy import event, func, select
from sqlalchemy.engine import Result

from engine import audit
from engine.audit import scans
from engine.models import AuditEvent


def test_verify_reads_events_a_batch_at_a_time_chain_by_chain(deploy, start, session, monkeypatch):
    deploy("processes/counter.bpmn")
    for number in range(8):
        start("counter", {"employee": f"pegawai{number}"}, key=f"k{number}")
    total = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    monkeypatch.setattr(scans, "BATCH", 2)
    fetched = [0]
    partitions = Result.partitions

    def counted(self, size=None):
        for partition in partitions(self, size):
            fetched[0] += len(partition)
            yield partition
    monkeypatch.setattr(Result, "partitions", counted)
    streamed_options = []

    def note_options(conn, statement, multiparams, params, options):
        if "audit_event" in str(statement) and "ORDER BY" in str(statement):
            streamed_options.append(options.get("yield_per"))
    engine = session.get_bind()
    event.listen(engine, "before_execute", note_options)
    progress: list[tuple[int, int, int]] = []
    try:
        breaches = audit.verify(session, progress=lambda chains, events: progress.append((chains, events, fetched[0])))
    finally:
        event.remove(engine, "before_execute", note_options)
    assert breaches == []
    assert [chains for chains, _, _ in progress] == list(range(1, 10))  # 8 instances and the global chain
    assert progress[-1][1] == total
    # When a chain is done, at most one batch beyond it has been read: never the whole trail at once.
    assert all(read <= events + 2 for _, events, read in progress)
    assert progress[0][2] < total and progress[-1][2] == total
    # Fetched from the database in batches too (a server-side cursor on PostgreSQL), not all at execute.
    assert streamed_options == [2]
