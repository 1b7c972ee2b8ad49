"""Reading the organisation CSV (docs/org-import.md): decoding, delimiter, header, and per-row checks."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from engine.errors import InvalidInput

from ..models.org import EMPLOYEE_KINDS, POSITION_KINDS, STATUSES, UNIT_KINDS
from .nip import InvalidNip, parse_identity
from .org_csv_cells import cell_problems

REQUIRED = ("NIP", "NAMA", "JENIS_PEGAWAI", "KODE_JABATAN", "NAMA_JABATAN", "JENIS_JABATAN", "KODE_UNOR",
            "NAMA_UNOR", "JENIS_UNOR", "KODE_UNOR_INDUK", "KODE_JABATAN_ATASAN")
OPTIONAL = ("STATUS", "JENIS_KELAMIN", "EMAIL", "LAYANAN_PUBLIK", "UNIT_KALIBRASI", "TMT_JABATAN")
#: Header spellings of SIASN/SIMPEG exports that mean one of our columns.
HEADER_ALIASES = {"NIP_BARU": "NIP", "NAMA_PEGAWAI": "NAMA", "UNOR_INDUK": "KODE_UNOR_INDUK"}
#: Value spellings seen in exports, after lower-casing and joining words with "_".
ALIASES = {
    "JENIS_PEGAWAI": {"cpns": "pns", "p3k": "pppk"},
    "JENIS_JABATAN": {"walikota": "wali_kota", "sekretaris_daerah": "sekda", "jpt": "jpt_pratama",
                      "pimpinan_tinggi_pratama": "jpt_pratama", "fungsional_tertentu": "fungsional",
                      "fungsional_umum": "pelaksana"},
    "JENIS_UNOR": {"pemerintah_kota": "pemkot"},
    "STATUS": {"cuti_di_luar_tanggungan_negara": "cltn", "pemberhentian_sementara": "diberhentikan_sementara",
               "masa_persiapan_pensiun": "mpp"},
}
GENDERS = {"l": "L", "laki_laki": "L", "pria": "L", "1": "L", "p": "P", "perempuan": "P", "wanita": "P", "2": "P"}
BOOLEANS = {"y": True, "ya": True, "1": True, "true": True, "n": False, "tidak": False, "0": False, "false": False}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Problem:
    """Why one row of the file was refused."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass
class Row:
    """One data row, normalised; None in an optional field means "keep what is stored"."""

    line: int
    unit_code: str
    unit_name: str
    unit_kind: str
    parent_code: str | None
    public_service: bool | None = None
    calibration_unit: bool | None = None
    position_code: str | None = None
    position_name: str = ""
    position_kind: str = ""
    reports_to_code: str | None = None
    nip: str | None = None
    name: str = ""
    employee_kind: str = ""
    gender: str = ""
    status: str | None = None
    email: str | None = None
    tmt_jabatan: date | None = None


def read_rows(data: bytes, file: str, on: date) -> tuple[list[Row], list[Problem]]:
    """Parse the file; return the rows that passed the per-row checks and the problems of the others."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidInput(f"{file}: not UTF-8 text (it is UTF-16); save the export as CSV UTF-8")
    # Undecodable bytes become U+FFFD, refused per cell with the row and column (org_csv_cells).
    text = data.decode("utf-8-sig", errors="replace")  # Excel writes a BOM
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_key(name) for name in next(reader, [])]
    except csv.Error as exc:
        raise InvalidInput(f"{file}:1: the header line cannot be read: {exc}") from None
    header = [HEADER_ALIASES.get(name, name) for name in header]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InvalidInput(f"{file}:1: missing column(s) {', '.join(missing)}", missing=missing)
    known = tuple(name for name in (*REQUIRED, *OPTIONAL) if name in header)
    rows: list[Row] = []
    problems: list[Problem] = []
    seen_nip: dict[str, int] = {}
    for start, record in _records(reader):
        if isinstance(record, str):
            problems.append(Problem(file, start, record))
            continue
        if not any(cell.strip() for cell in record):
            continue
        cells = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)}
        refused = cell_problems(cells, known)
        if refused:
            problems.append(Problem(file, start, "; ".join(refused)))
            continue
        try:
            row = parse_row(cells, start, on)
            if row.nip is not None:
                if row.nip in seen_nip:
                    raise ValueError(f"NIP {row.nip} is already on line {seen_nip[row.nip]}")
                seen_nip[row.nip] = start
            rows.append(row)
        except (ValueError, InvalidNip) as exc:
            problems.append(Problem(file, start, getattr(exc, "message", None) or str(exc)))
    return rows, problems


def _records(reader: Any) -> Iterator[tuple[int, list[str] | str]]:
    """Yield (first line, cells) of each record, or (first line, why it cannot be read); go on after a bad one."""
    line = reader.line_num
    while True:
        start = line + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a cell over the csv module's size limit; the reader resumes on the next line
            line = reader.line_num
            yield start, (f"the row cannot be read: a cell is longer than {csv.field_size_limit()} characters"
                          if "field limit" in str(exc) else f"the row cannot be read: {exc}")
            continue
        line = reader.line_num
        yield start, record


def parse_row(cells: dict[str, str], line: int, on: date) -> Row:
    """Check and normalise one row; raise ValueError (or InvalidNip) with the reason."""
    unit_kind = _choice(cells, "JENIS_UNOR", UNIT_KINDS)
    row = Row(line=line, unit_code=_required(cells, "KODE_UNOR"), unit_name=_required(cells, "NAMA_UNOR"),
              unit_kind=unit_kind, parent_code=cells.get("KODE_UNOR_INDUK") or None,
              public_service=_boolean(cells, "LAYANAN_PUBLIK"),
              calibration_unit=_boolean(cells, "UNIT_KALIBRASI"))
    if (row.parent_code is None) != (unit_kind == "pemkot"):
        raise ValueError("KODE_UNOR_INDUK must be empty for the pemkot and only for it")
    if row.parent_code == row.unit_code:
        raise ValueError(f"unit {row.unit_code} cannot be its own KODE_UNOR_INDUK")
    nip = cells.get("NIP", "").replace(" ", "").replace(".", "")
    row.position_code = cells.get("KODE_JABATAN") or None
    if row.position_code is None:
        if nip or cells.get("NAMA"):
            raise ValueError("KODE_JABATAN is empty: an employee row needs a position")
        return row  # a unit without positions of its own
    row.position_name = _required(cells, "NAMA_JABATAN")
    row.position_kind = _choice(cells, "JENIS_JABATAN", POSITION_KINDS)
    row.reports_to_code = cells.get("KODE_JABATAN_ATASAN") or None
    if (row.reports_to_code is None) != (row.position_kind == "wali_kota"):
        raise ValueError("KODE_JABATAN_ATASAN must be empty for the Wali Kota and only for him")
    if row.reports_to_code == row.position_code:
        raise ValueError(f"position {row.position_code} cannot report to itself")
    if not nip:
        if cells.get("NAMA"):
            raise ValueError("NAMA is given but NIP is empty")
        return row  # a vacant position
    row.nip, row.name = nip, _required(cells, "NAMA")
    row.employee_kind = _choice(cells, "JENIS_PEGAWAI", EMPLOYEE_KINDS)
    row.gender = parse_identity(nip, row.employee_kind, on=on).gender
    given = cells.get("JENIS_KELAMIN", "")
    if given and GENDERS.get(_value(given)) != row.gender:
        raise ValueError(f"JENIS_KELAMIN {given!r} does not match the gender digit of NIP {nip} ({row.gender})")
    row.status = _choice(cells, "STATUS", STATUSES) if cells.get("STATUS") else None
    email = cells.get("EMAIL") or None
    if email is not None and not EMAIL.match(email):
        raise ValueError(f"EMAIL {email!r} is not an e-mail address")
    row.email = email
    row.tmt_jabatan = _date(cells, "TMT_JABATAN")
    if row.tmt_jabatan is not None and row.tmt_jabatan > on:
        raise ValueError(f"TMT_JABATAN {row.tmt_jabatan} is in the future")
    return row


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().upper())


def _value(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _required(cells: dict[str, str], column: str) -> str:
    value = cells.get(column, "")
    if not value:
        raise ValueError(f"{column} is empty")
    return value


def _choice(cells: dict[str, str], column: str, allowed: tuple[str, ...]) -> str:
    raw = _required(cells, column)
    value = _value(raw)
    value = ALIASES.get(column, {}).get(value, value)
    if value not in allowed:
        raise ValueError(f"{column} {raw!r} is not one of {', '.join(allowed)}")
    return value


def _boolean(cells: dict[str, str], column: str) -> bool | None:
    raw = cells.get(column, "")
    if not raw:
        return None
    if _value(raw) not in BOOLEANS:
        raise ValueError(f"{column} {raw!r} must be Y or N")
    return BOOLEANS[_value(raw)]


def _date(cells: dict[str, str], column: str) -> date | None:
    raw = cells.get(column, "")
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):  # ISO, and SIASN's day-first forms
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{column} {raw!r} is not a date (yyyy-mm-dd or dd-mm-yyyy)")
