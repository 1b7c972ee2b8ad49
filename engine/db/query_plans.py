"""Query plans of the statements an action runs, on SQLite (EXPLAIN QUERY PLAN) and PostgreSQL (EXPLAIN JSON).

A diagnostics aid shared by the plan tests and `bench/`: which index a query uses, and how many rows it reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Access:
    """How one plan reads one table: by an index (and on which condition) or by scanning all of it."""

    table: str
    index: str | None
    condition: str
    full_scan: bool
    #: Rows the access read (PostgreSQL, from EXPLAIN ANALYZE: kept and filtered out, over all loops).
    rows_read: int | None = None


def statements_of(session: Session, action: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Return the SQL and parameters of every statement the action runs on the session's connection."""
    connection = session.connection()
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        captured.append((statement, parameters))
    event.listen(connection.engine, "before_cursor_execute", capture)
    try:
        action()
    finally:
        event.remove(connection.engine, "before_cursor_execute", capture)
    return captured


def accesses(session: Session, statement: str, parameters: Any) -> list[Access]:
    """Return every table access of the statement's plan.

    PostgreSQL plans with sequential scans disabled: on a test's few rows a scan is cheapest, and what
    matters is whether an index *can* serve the query (a scan left in the plan means none can). The plan
    is run (EXPLAIN ANALYZE) to learn how many rows each access read.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return [_sqlite_access(row[-1]) for row in rows if row[-1].startswith(("SCAN ", "SEARCH "))]
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    try:
        plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar_one()
    finally:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = on")
    nodes = json.loads(plan) if isinstance(plan, str) else plan
    return list(_postgres_accesses(nodes[0]["Plan"]))


def _sqlite_access(detail: str) -> Access:
    words = detail.split()
    index = words[words.index("INDEX") + 1] if "INDEX" in words else None
    if "PRIMARY KEY" in detail:
        index = "rowid"
    condition = detail[detail.index("(") + 1:detail.rindex(")")] if words[0] == "SEARCH" else ""
    return Access(words[1], index, condition, full_scan=words[0] == "SCAN")


def _postgres_accesses(node: dict[str, Any]) -> Iterator[Access]:
    kind = node["Node Type"]
    read = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * node.get("Actual Loops", 1)
    if kind == "Seq Scan":
        yield Access(node["Relation Name"], None, node.get("Filter", ""), full_scan=True, rows_read=read)
    elif kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan"):
        condition = node.get("Index Cond", "")
        table = node.get("Relation Name") or _table_of_index(node["Index Name"])
        yield Access(table, node["Index Name"], condition, full_scan=not condition, rows_read=read)
    for child in node.get("Plans", []):
        yield from _postgres_accesses(child)


def _table_of_index(name: str) -> str:
    # Index names follow the naming convention ix_<table>_<columns> / pk_<table>; known tables first.
    for table in ("human_task", "task_candidate", "instance"):
        if name.startswith((f"ix_{table}_", f"pk_{table}")):
            return table
    return name


def show(session: Session, statement: str, parameters: Any) -> str:
    """Return the plan as the database prints it (for failure messages and benchmark reports)."""
    connection = session.connection()
    prefix = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
    return "\n".join(str(row[-1]) for row in connection.exec_driver_sql(prefix + statement, parameters))


def plans(session: Session, action: Callable[[], Any]) -> list[str]:
    """Return each statement an action runs (shortened) followed by its plan, as report lines."""
    lines = []
    for statement, parameters in statements_of(session, action):
        lines.append("-- " + " ".join(statement.split())[:160] + " ...")
        lines += [f"   {line}" for line in show(session, statement, parameters).splitlines()]
    return lines
