"""Inbox at scale: one user's inbox page against a bare indexed SELECT of the same rows, on a year of history.

    .venv/bin/python -m bench.inbox_scale                        # SQLite scratch file in the temp folder
    .venv/bin/python -m bench.inbox_scale --database-url postgresql+psycopg://postgres@127.0.0.1/kin_inbox_bench

The first run fills the database with plain INSERTs (no workflow runs: the inbox only reads rows), later
runs reuse it, so the same data can be timed before and after a change (the schema is upgraded to head
first). The database must be empty or hold this benchmark's data. Sizes: --employees, --open, --completed,
--audit (the SQLite scratch file is named after them).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from engine.db import make_engine, upgrade
from engine.db.query_plans import plans
from engine.models import AuditEvent, HumanTask, Instance, SpecVersion, TaskCandidate
from engine.runtime.human_tasks import inbox
from workflows.inbox import inbox_view
from workflows.models.org import UserAccount

PROCESS = "bench_inbox_scale"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
CHUNK = 10_000


def nip(n: int) -> str:
    """Return the 18-digit NIP of generated employee n."""
    return f"19800101200{n:07d}"


def boss_of(n: int) -> int:
    """Return the appraiser of employee n: one in ten employees appraises the nine after them."""
    return n - n % 10


def group_of(n: int, opds: int) -> str:
    """Return the Pengelola Kinerja group of employee n's OPD."""
    return f"pengelola_opd_{n % opds:02d}"


def task_rows(rng: random.Random, employees: int, opds: int, count: int, state: str,
              instance_of: Callable[[int], int]) -> Iterator[tuple[dict[str, Any], list[tuple[str, str]]]]:
    """Yield (human_task row, candidates) of tasks spread over the employees: 60% the employee's own,
    25% the appraiser's, 10% offered to the OPD's Pengelola group, 5% of those claimed by the appraiser."""
    for i in range(count):
        n = i % employees
        roll = rng.random()
        assignee = claimed = None
        candidates: list[tuple[str, str]] = []
        if roll < 0.60:
            assignee = nip(n)
        elif roll < 0.85:
            assignee = nip(boss_of(n))
        else:
            candidates = [("group", group_of(n, opds))]
            if roll >= 0.95:
                claimed = nip(boss_of(n))
        created = NOW - timedelta(days=rng.randint(1, 365))
        done = state == "completed"
        yield ({"instance_id": instance_of(n), "spiff_task_id": f"{state[0]}-{i}", "bpmn_id": f"Tugas_{i % 12}",
                "name": f"Tugas {i % 12}", "process_id": PROCESS, "lane": None, "assignee": assignee,
                "claimed_by": claimed, "form": {"key": None, "fields": []}, "documentation": None,
                "properties": {}, "due_at": created + timedelta(days=rng.randint(-30, 60)), "follow_up_at": None,
                "state": state, "created_at": created, "completed_at": created + timedelta(days=3) if done else None,
                "completed_by": (claimed or assignee or nip(n)) if done else None}, candidates)


class AuditFill:
    """Spreads a number of audit rows over the tasks' events (created, completed) and numbers each instance's chain.

    Plain rows as `engine.audit` writes them (chain "instance:<id>", a sequence per chain, JSON data, hashes),
    but the hashes are not computed: the inbox never reads them, and the fill is set-up, not timed.
    """

    def __init__(self, wanted: int, events: int) -> None:
        self.share = min(wanted / events, 1.0) if events else 0.0
        self.seen = 0
        self.seq: dict[int, int] = {}

    def rows(self, task_id: int, row: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Yield the audit rows of one task: its creation and, when done, its completion (as many as the share)."""
        events = [("task_created", row["created_at"], "engine")]
        if row["completed_at"] is not None:
            events.append(("task_completed", row["completed_at"], row["completed_by"]))
        for event_type, moment, actor in events:
            # Event k is kept when floor((k+1) * share) grows: exactly `wanted` rows over all events.
            keep = int((self.seen + 1) * self.share) > int(self.seen * self.share)
            self.seen += 1
            if not keep:
                continue
            instance_id = row["instance_id"]
            seq = self.seq[instance_id] = self.seq.get(instance_id, 0) + 1
            data = (f'{{"bpmn_id": "{row["bpmn_id"]}", "name": "{row["name"]}", "assignee": '
                    f'{"null" if row["assignee"] is None else chr(34) + row["assignee"] + chr(34)}, '
                    f'"due_at": "{row["due_at"].isoformat()}"}}')
            yield {"chain": f"instance:{instance_id}", "seq": seq, "event_type": event_type, "actor": actor,
                   "occurred_at": moment, "instance_id": instance_id, "human_task_id": task_id, "data": data,
                   "prev_hash": f"{seq - 1:064x}", "hash": f"{seq:064x}", "key_id": "sha256",
                   "state_hash": None}


def generate(engine: Engine, employees: int, opds: int, open_count: int, completed: int, audit_rows: int) -> None:
    """Insert one spec version, two cycles per employee, the tasks and the audit rows, in chunks; then ANALYZE."""
    rng = random.Random(20261203)
    with engine.begin() as conn:
        spec_id = conn.execute(insert(SpecVersion).returning(SpecVersion.id), [{
            "process_id": PROCESS, "name": PROCESS, "version": 1, "sha256": "0" * 64, "spec_json": "{}",
            "files": {}, "main_file": "x.bpmn", "start_messages": [], "deployed_by": "bench",
            "deployed_at": NOW}]).scalar_one()
        ids: dict[tuple[int, int], int] = {}
        for year in (2025, 2026):
            rows = [{"spec_version_id": spec_id, "process_id": PROCESS, "business_key": f"skp:{year}:{nip(n)}",
                     "status": "waiting", "state": "{}", "serializer_version": "1", "version": 1,
                     "started_by": "bench", "started_at": NOW, "updated_at": NOW, "audit_seq": 0,
                     "audit_hash": "0" * 64} for n in range(employees)]
            for n, new_id in enumerate(conn.execute(insert(Instance).returning(
                    Instance.id, sort_by_parameter_order=True), rows).scalars()):
                ids[year, n] = new_id
    audit = AuditFill(audit_rows, open_count + 2 * completed)
    for state, count, year in (("completed", completed, 2025), ("open", open_count, 2026)):
        batch: list[tuple[dict[str, Any], list[tuple[str, str]]]] = []
        for item in task_rows(rng, employees, opds, count, state, lambda n, y=year: ids[y, n]):
            batch.append(item)
            if len(batch) == CHUNK:
                _insert_tasks(engine, batch, audit)
                batch = []
        if batch:
            _insert_tasks(engine, batch, audit)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def _insert_tasks(engine: Engine, batch: list[tuple[dict[str, Any], list[tuple[str, str]]]],
                  audit: AuditFill) -> None:
    with engine.begin() as conn:
        task_ids = conn.execute(insert(HumanTask).returning(HumanTask.id, sort_by_parameter_order=True),
                                [row for row, _ in batch]).scalars().all()
        links = [{"human_task_id": task_id, "kind": kind, "value": value}
                 for task_id, (_, pairs) in zip(task_ids, batch, strict=True) for kind, value in pairs]
        if links:
            conn.execute(insert(TaskCandidate), links)
        events = [event for task_id, (row, _) in zip(task_ids, batch, strict=True)
                  for event in audit.rows(task_id, row)]
        if events:
            conn.execute(insert(AuditEvent), events)


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Return the median and the best time of an action in milliseconds (after one warm-up call).

    The best time is the one least disturbed by other work on the machine; both are reported.
    """
    action()
    times = []
    for _ in range(repeat):
        start = perf_counter()
        action()
        times.append((perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def _bare(session: Session, ids: list[int]) -> list[HumanTask]:
    """Read rows by primary key, soonest due first: the floor any listing of them costs."""
    return list(session.execute(select(HumanTask).where(HumanTask.id.in_(ids))
                                .order_by(HumanTask.due_at, HumanTask.id)).scalars())


def accounts(engine: Engine, users: list[tuple[str, str, list[str]]]) -> dict[str, int]:
    """Return the account id of each user, creating the accounts (a group is a role without scope) when missing."""
    with Session(engine) as session:
        found = {a.username: a for a in session.execute(select(UserAccount).where(
            UserAccount.username.in_([user for _, user, _ in users]))).scalars()}
        for _, user, groups in users:
            if user not in found:
                found[user] = UserAccount(username=user, password_hash="!", roles=list(groups), active=True,
                                          created_at=NOW, must_change_password=False)
                session.add(found[user])
        session.commit()
        return {name: account.id for name, account in found.items()}


def page_client(url: str, account_id: int) -> Any:
    """Return a test client of the web app on the database, signed in as the account (no password round trip)."""
    from webui import create_app  # the web layer only for this measure
    from webui.auth.users import session_key
    app = create_app({"DATABASE_URL": url, "TESTING": True,
                      "INSTANCE_PATH": str(Path(tempfile.gettempdir()) / "kinerja-inbox-scale-instance")})
    client = app.test_client()
    # The request context of the client's requests: same address and agent, so the same session identifier.
    context = app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"},
                                       headers={"User-Agent": client.environ_base["HTTP_USER_AGENT"]})
    with context, client.session_transaction() as flask_session:
        from flask_login.utils import _create_identifier  # the "strong" session protection checks it

        from webui.extensions import db
        account = db.session.get(UserAccount, account_id)
        flask_session["_user_id"] = f"{account_id}:{session_key(account)}"
        flask_session["_fresh"] = True
        flask_session["_id"] = _create_identifier()
        db.session.remove()
    return client


def get_page(client: Any, path: str) -> None:
    """Fetch a page; it must be served, not redirected (a redirect would time the sign-in page)."""
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path}: {response.status_code}")


def measure(engine: Engine, url: str, repeat: int) -> list[str]:
    """Time three users' inbox (API listing, HTML page queries, rendered page) against the bare SELECT of their rows."""
    out = []
    users = [("employee", nip(1), []), ("appraiser", nip(10), []), ("pengelola (group)", nip(20), [group_of(0, 40)])]
    ids = accounts(engine, users)
    clients = {user: page_client(url, ids[user]) for _, user, _ in users}
    with Session(engine) as session:
        for who, user, groups in users:
            api = partial(inbox.open_tasks_for, session, user, groups, limit=50)
            page = api()
            bare = partial(_bare, session, [t.id for t in page.items])
            session.expunge_all()
            base, base_best = timed(bare, repeat)
            out.append(f"{who}: {page.total} open tasks visible, page of {len(page.items)}")
            out.append(f"  bare indexed SELECT of the page's rows: {base:8.2f} ms (best {base_best:.2f})")
            html = partial(inbox_view.inbox_of, session, user, groups)
            client = clients[user]
            tab = "kelompok" if groups else "saya"
            actions: list[tuple[str, Callable[[], Any]]] = [
                ("API listing (open_tasks_for)", api), ("HTML inbox queries, tab mine", html),
                ("HTML inbox queries, tab group", partial(html, "group")),
                (f"rendered page GET /?tab={tab}", partial(get_page, client, f"/?tab={tab}"))]
            for label, action in actions:
                session.rollback()  # no read transaction held: the page's own session may write (SQLite locks)
                median, best = timed(action, repeat)
                out.append(f"  {label:<31} {median:8.2f} ms (best {best:.2f})  ratio {median / base:5.1f}x "
                           f"(best {best / base_best:.1f}x)")
                session.expunge_all()
        out.append("")
        out.append("Query plans of the API listing and the HTML page (pengelola with a group):")
        out += plans(session, lambda: inbox.open_tasks_for(session, nip(20), [group_of(0, 40)], limit=50))
        out += plans(session, lambda: inbox_view.inbox_of(session, nip(20), [group_of(0, 40)], "group"))
    return out


def main(argv: list[str] | None = None) -> None:
    """Fill the database when empty, then print the timings and the query plans."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an empty database, or one filled by an earlier run")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--opds", type=int, default=40)
    parser.add_argument("--open", type=int, default=50_000)
    parser.add_argument("--completed", type=int, default=500_000)
    parser.add_argument("--audit", type=int, default=1_000_000, help="audit rows spread over the tasks' events")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    # One scratch file per size, so a run with other sizes does not time the wrong data.
    name = f"kinerja-inbox-scale-{args.open}-{args.completed}-{args.audit}.db"
    url = args.database_url or f"sqlite:///{Path(tempfile.gettempdir()) / name}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        processes = set(conn.execute(select(SpecVersion.process_id)).scalars())
        tasks = conn.execute(select(func.count()).select_from(HumanTask)).scalar_one()
    if processes - {PROCESS}:
        raise SystemExit("the database holds other data; give an empty one (or one an earlier run filled)")
    report = [f"database: {engine.dialect.name} ({url.rsplit('@', 1)[-1]})"]
    if not processes:
        start = perf_counter()
        generate(engine, args.employees, args.opds, args.open, args.completed, args.audit)
        report.append(f"generated in {perf_counter() - start:.0f} s")
    with engine.connect() as conn:
        # Statistics as a maintained database has them, also after a migration rewrote rows.
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
        tasks = conn.execute(select(func.count()).select_from(HumanTask)).scalar_one()
        open_now = conn.execute(select(func.count()).select_from(HumanTask)
                                .where(HumanTask.state == "open")).scalar_one()
        audit_rows = conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    report.append(f"human_task rows: {tasks} ({open_now} open), audit_event rows: {audit_rows}; "
                  f"medians of {args.repeat} runs")
    if (tasks, open_now, audit_rows) != (args.open + args.completed, args.open, args.audit):
        report.append("WARNING: the database was filled with other sizes than the ones asked for")
    report += measure(engine, url, args.repeat)
    engine.dispose()
    text = "\n".join(report)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")


if __name__ == "__main__":
    main()
