"""Checks of each cell of the organisation CSV before its meaning is read: encoding, characters, length, formulas."""

from __future__ import annotations

import unicodedata

from sqlalchemy import Column, String

from engine.spreadsheet_cells import looks_like_formula

from ..models.org import Employee, Position, Unit

#: The database column each CSV column is stored in: its length is the longest value the import accepts.
STORED_IN: dict[str, Column[str]] = {
    "NAMA": Employee.__table__.c.name, "EMAIL": Employee.__table__.c.email,
    "KODE_JABATAN": Position.__table__.c.code, "NAMA_JABATAN": Position.__table__.c.name,
    "KODE_JABATAN_ATASAN": Position.__table__.c.code,
    "KODE_UNOR": Unit.__table__.c.code, "NAMA_UNOR": Unit.__table__.c.name, "KODE_UNOR_INDUK": Unit.__table__.c.code,
}
#: Longest value of a column read as a NIP (with its spaces and dots), a kind, a flag or a date: no valid one is
#: longer, and refusing longer ones keeps messages that quote the value short.
SHORT_COLUMN_LENGTH = 40
#: Columns whose text is stored and shown to people: refused when a spreadsheet would run it as a formula.
TEXT_COLUMNS = ("NAMA", "EMAIL", "KODE_JABATAN", "NAMA_JABATAN", "KODE_JABATAN_ATASAN", "KODE_UNOR", "NAMA_UNOR",
                "KODE_UNOR_INDUK")
#: Invisible characters that reorder the text around them: a name could be shown as another (Trojan Source).
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: How much of a refused value a message quotes.
SHOWN_LENGTH = 40


def max_length(column: str) -> int:
    """Return the longest value a column of the file may hold."""
    stored = STORED_IN.get(column)
    if stored is not None and isinstance(stored.type, String) and stored.type.length:
        return stored.type.length
    return SHORT_COLUMN_LENGTH


def cell_problems(cells: dict[str, str], columns: tuple[str, ...]) -> list[str]:
    """Return why the cells of the known columns cannot be imported as they are (empty when they can)."""
    return [problem for column in columns if (problem := cell_problem(column, cells.get(column, "")))]


def cell_problem(column: str, value: str) -> str | None:
    """Return why one (stripped) cell cannot be imported, or None."""
    if "\ufffd" in value:  # what decoding put where the bytes were not UTF-8
        return f"{column} is not UTF-8 text (a byte that is no character); save the export as CSV UTF-8"
    bad = next((ch for ch in value if unicodedata.category(ch) in ("Cc", "Cs") or ch in DIRECTION_CONTROLS), None)
    if bad is not None:
        return f"{column} contains the control character U+{ord(bad):04X} at position {value.index(bad) + 1}"
    limit = max_length(column)
    if len(value) > limit:
        return f"{column} is {len(value)} characters long; at most {limit} fit"
    if column in TEXT_COLUMNS and looks_like_formula(value):
        return (f"{column} {shown(value)} starts with {value.lstrip(' ')[0]!r}, which makes a spreadsheet run it as a "
                "formula; remove that character")
    return None


def shown(value: str) -> str:
    """Return a value quoted for a message, cut short when long (a refused cell may be huge)."""
    return repr(value if len(value) <= SHOWN_LENGTH else value[:SHOWN_LENGTH] + "...")
