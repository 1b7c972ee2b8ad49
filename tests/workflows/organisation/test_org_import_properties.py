"""Property tests of `kinerja org import`: any file is imported or refused with clear per-row errors, never a crash.

Each example starts from the valid fixture file, already imported, and damages it: cells replaced by hostile or
random text, columns dropped or added, rows cut short, raw bytes spliced in. A refusal leaves the stored
organisation exactly as it was; an accepted file stores only values that fit their columns and are no formulas.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.models import AuditEvent
from engine.spreadsheet_cells import looks_like_formula
from tests.workflows.organisation.test_org_import import CSV, ON
from workflows.models import Employee, Position, PositionAssignment, Unit
from workflows.organisation.org_csv_cells import DIRECTION_CONTROLS
from workflows.organisation.org_import import ImportRefused, import_org

#: Characters an accepted file never stores: controls, undecodable bytes, direction overrides.
FORBIDDEN = {chr(c) for c in range(32)} | {"\x7f", "\ufffd"} | set(DIRECTION_CONTROLS)
HEADER, *ROWS = [line.split(";") for line in CSV.splitlines()]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HOSTILE = st.sampled_from([
    "=cmd|' /C calc'!A0", "+1+1", "-1", "@SUM(A1)", "\t=1+1", " =1", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "'; DROP TABLE employee;--", "\" OR 1=1 --", "%s%n%x", "${7*7}", "{{7*7}}",
    "e\u0301\u0301\u0301", "\u202eanaskaleP", "\u2067x\u2069", "שלום עולם", "\ufeffNIP", "\u200bDedi", "\ud800", "\x00",
    "\x1b[31m", "😀" * 60, "NULL", "None", "", " ", "\r\n", "\\", "\"", ";", ",", "PNS", "Pelaksana", "Aktif", "L",
    "P", "Y", "31-02-2024", "2024-01-01", "99999999999999999999", "199201152019031005", "x" * 301, "x" * 200_000,
])
TEXT = st.one_of(HOSTILE, st.text(max_size=40), st.text(min_size=190, max_size=320),
                 st.integers().map(str), st.floats().map(str), st.dates().map(str))
CELL = st.tuples(st.just("cell"), st.integers(0, len(ROWS) - 1), st.integers(0, len(HEADER) - 1), TEXT)
#: The columns whose text is stored as given, in the rows of employees: where hostile text could slip through.
STORED = [HEADER.index(name) for name in ("NAMA", "NAMA_JABATAN", "NAMA_UNOR", "KODE_JABATAN", "EMAIL")]
STORED_CELL = st.tuples(st.just("cell"), st.integers(1, len(ROWS) - 1), st.sampled_from(STORED), TEXT)
DROP = st.tuples(st.just("drop"), st.integers(0, len(HEADER) - 1))
EXTRA = st.tuples(st.just("extra"), st.text(max_size=20), TEXT)
SHORT = st.tuples(st.just("short"), st.integers(0, len(ROWS) - 1), st.integers(0, len(HEADER) + 3))
OPERATIONS = st.lists(st.one_of(STORED_CELL, STORED_CELL, STORED_CELL, CELL, DROP, EXTRA, SHORT),
                      min_size=1, max_size=3)


def damaged(operations: list[tuple[Any, ...]], bom: bool) -> bytes:
    """Return the fixture file with the operations applied, written by a CSV writer (so quoting is right)."""
    header, rows = list(HEADER), [list(row) for row in ROWS]
    for operation in operations:
        kind, *args = operation
        if kind == "cell" and args[1] < len(rows[args[0]]):
            rows[args[0]][args[1]] = args[2]
        elif kind == "drop" and args[0] < len(header):
            del header[args[0]]
            for row in rows:
                del row[args[0]:args[0] + 1]
        elif kind == "extra":
            header.append(args[0])
            for row in rows:
                row.append(args[1])
        elif kind == "short":
            del rows[args[0]][args[1]:]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # A lone surrogate becomes the invalid UTF-8 (ED A0 80) a broken export carries.
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8", "surrogatepass")


def snapshot(session: Session) -> tuple[Any, ...]:
    """Return everything an import may change, to compare before and after a refusal."""
    return (sorted(session.execute(select(Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.public_service)).all()),
            sorted(session.execute(select(Position.code, Position.name, Position.kind, Position.unit_id)).all()),
            sorted(session.execute(select(Employee.nip, Employee.name, Employee.status, Employee.email,
                                          Employee.position_id)).all()),
            session.execute(select(func.count()).select_from(PositionAssignment)).scalar_one(),
            session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def check_import(session: Session, data: bytes) -> None:
    """Import data: a clear refusal with the state untouched, or stored values that fit and are no formulas."""
    before = snapshot(session)
    try:
        import_org(session, data, actor="ops", file="org.csv", on=ON)
    except ImportRefused as refused:
        assert refused.problems and all(p.line > 1 and 0 < len(p.message) < 1000 for p in refused.problems)
        assert snapshot(session) == before
    except InvalidInput as invalid:
        assert str(invalid).startswith("org.csv") and len(str(invalid)) < 1000
        assert snapshot(session) == before
    else:
        for column in (Employee.name, Employee.email, Unit.name, Unit.code, Position.name, Position.code):
            limit = column.property.columns[0].type.length
            for value in session.execute(select(column)).scalars():
                assert value is None or (len(value) <= limit and not looks_like_formula(value)
                                         and not any(ch in FORBIDDEN for ch in value)), value
    finally:
        session.rollback()


@pytest.fixture
def imported(session: Session) -> Session:
    """The session on a database holding the fixture's organisation."""
    import_org(session, CSV.encode("utf-8"), actor="ops", file="org.csv", on=ON)
    session.commit()
    return session


@SETTINGS
@given(operations=OPERATIONS, bom=st.booleans())
def test_a_damaged_file_is_imported_or_refused_row_by_row(imported: Session, operations, bom):
    check_import(imported, damaged(operations, bom))


@SETTINGS
@given(position=st.integers(0, len(CSV.encode("utf-8"))), junk=st.binary(min_size=1, max_size=8))
def test_raw_bytes_spliced_into_the_file_never_crash_the_import(imported: Session, position, junk):
    data = CSV.encode("utf-8")
    check_import(imported, data[:position] + junk + data[position:])
