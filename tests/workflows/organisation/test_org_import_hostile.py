"""Hostile CSV files for `kinerja org import`: each bad cell is a clear per-row error and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent
from tests.conftest import FIXTURES
from tests.workflows.organisation.test_org_import import CSV, ON, counts, edit
from workflows.models import Employee
from workflows.organisation import org
from workflows.organisation.org_import import ImportRefused, import_org

DEDI_ROW = ("199201152019031005;Dedi Pelaksana;PNS;PLK.IDENTITAS;Pengadministrasi Kependudukan;Pelaksana;"
            "DUKCAPIL.DAFDUK.ID;Seksi Identitas Penduduk;Seksi;DUKCAPIL.DAFDUK;KASI.IDENTITAS;AKTIF;L;;;01-01-2024")
HUGE = "x" * 200_000


def refused(session, data: bytes) -> list:
    """Import data, expect a refusal that stored nothing, and return its problems."""
    with pytest.raises(ImportRefused) as caught:
        import_org(session, data, actor="ops", file="org.csv", on=ON)
    session.rollback()
    assert counts(session) == (0, 0, 0, 0)
    assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 0
    return caught.value.problems


def dedi_with(old: str, new: str) -> bytes:
    return edit(CSV, DEDI_ROW, DEDI_ROW.replace(old, new, 1)).encode("utf-8")


@pytest.mark.parametrize(("old", "new", "words"), [
    ("Dedi Pelaksana", "D" * 300, "NAMA is 300 characters long; at most 200 fit"),
    ("Pengadministrasi Kependudukan", "P" * 301, "NAMA_JABATAN is 301 characters long; at most 300 fit"),
    ("PLK.IDENTITAS", "K" * 51, "KODE_JABATAN is 51 characters long; at most 50 fit"),
    ("AKTIF;L;;", "AKTIF;L;" + "e" * 195 + "@x.org;", "EMAIL is 201 characters long; at most 200 fit"),
    ("Dedi Pelaksana", "D" * 100_000, "NAMA is 100000 characters long; at most 200 fit"),
    ("PNS", "P" * 5000, "JENIS_PEGAWAI is 5000 characters long; at most 40 fit"),
    ("Dedi Pelaksana", "Dedi\x00Pelaksana", "NAMA contains the control character U+0000 at position 5"),
    ("Dedi Pelaksana", "Dedi\x1bPelaksana", "NAMA contains the control character U+001B"),
    ("Dedi Pelaksana", '"Dedi\nPelaksana"', "NAMA contains the control character U+000A"),
    ("Dedi Pelaksana", "Dedi \u202eanaskaleP", "NAMA contains the control character U+202E"),
    ("Dedi Pelaksana", "=cmd|' /C calc'!A0", "NAMA \"=cmd|' /C calc'!A0\" starts with '=', which makes a spreadsheet"),
    ("Dedi Pelaksana", "+1+cmd|' /C calc'!A0", 'NAMA "+1+cmd|'),
    ("Dedi Pelaksana", "-2+3+cmd|' /C calc'!A0", "starts with '-'"),
    ("Dedi Pelaksana", "@SUM(1+9)*cmd|' /C calc'!A0", "starts with '@'"),
    ("Dedi Pelaksana", '"\t=1+1"', "NAMA '=1+1' starts with '='"),
    ("Dedi Pelaksana", '"\r=HYPERLINK(""http://x"")"', "starts with '='"),
    ("Pengadministrasi Kependudukan", "=HYPERLINK(\"http://evil\")", "NAMA_JABATAN"),
    ("Seksi Identitas Penduduk;Seksi;DUKCAPIL", "=1+1;Seksi;DUKCAPIL", "NAMA_UNOR '=1+1' starts with '='"),
])
def test_a_bad_cell_names_its_row_and_column_and_nothing_is_stored(session, old, new, words):
    problems = refused(session, dedi_with(old, new))
    assert [p.line for p in problems if words in p.message] == [7], problems
    assert all(len(p.message) < 400 for p in problems)  # a huge cell is never echoed back


def test_a_cell_beyond_the_csv_reader_limit_is_a_row_error_and_later_rows_are_still_checked(session):
    data = edit(edit(CSV, "Dedi Pelaksana", HUGE), "199403032022211001;Eko", "199403032022213001;Eko")
    problems = refused(session, data.encode("utf-8"))
    assert [(p.line, p.message[:60]) for p in problems if p.line in (7, 8)] == [
        (7, "the row cannot be read: a cell is longer than 131072 charact"),
        (8, "NI PPPK 199403032022213001: gender digit 3 must be 1 (male) ")]


def test_bytes_that_are_not_utf8_are_refused_in_their_row_and_column(session):
    latin1 = CSV.encode("utf-8").replace(b"Dedi Pelaksana", "Dedi Pelaksána".encode("cp1252"))
    [problem] = refused(session, latin1)
    assert problem.line == 7 and problem.message.startswith("NAMA is not UTF-8 text")
    surrogate = CSV.encode("utf-8").replace(b"Dedi Pelaksana", b"Dedi\xed\xa0\x80")  # a surrogate's UTF-8 form
    [problem] = refused(session, surrogate)
    assert problem.line == 7 and "NAMA is not UTF-8 text" in problem.message


def test_skip_invalid_imports_the_clean_rows_and_never_the_hostile_ones(session):
    data = edit(CSV, "Dedi Pelaksana", "=cmd|' /C calc'!A0").encode("utf-8")
    result = import_org(session, data, actor="ops", file="org.csv", on=ON, skip_invalid=True)
    session.commit()
    assert [p.line for p in result.skipped] == [7]
    assert result.counts["employee"]["created"] == 6
    assert session.execute(select(Employee.id).where(Employee.nip == "199201152019031005")).first() is None


@pytest.mark.parametrize("name", [
    "Dedi Pelaksána",  # a combining acute accent
    "محمد عبد الله",  # right-to-left script, no direction controls
    "<script>alert('x')</script>",
    "Robert'); DROP TABLE employee;--",
    "O'Brien \"Dedi\" 100% _x_",
    "Dedi 🙂 Pelaksana",
])
def test_unusual_but_harmless_names_are_stored_exactly(session, name):
    text = edit(CSV, "Dedi Pelaksana", f'"{name.replace(chr(34), chr(34) * 2)}"')
    import_org(session, text.encode("utf-8"), actor="ops", file="org.csv", on=ON)
    session.commit()
    session.expire_all()
    assert org.employee_by_nip(session, "199201152019031005").name == name


def test_the_cli_prints_each_bad_row_without_a_traceback_and_stores_nothing(cli, sessions, tmp_path):
    bad = tmp_path / "pegawai.csv"
    text = (FIXTURES / "workflows" / "org.csv").read_text()
    bad.write_bytes(edit(edit(text, "Dedi Pelaksana", HUGE), "Eko PPPK", "Eko\x00PPPK").encode("utf-8"))
    out = cli("org", "import", str(bad), "--on", "2026-03-02", code=1)
    assert "Traceback" not in out
    assert "pegawai.csv:7: the row cannot be read: a cell is longer than 131072 characters" in out
    assert "pegawai.csv:8: NAMA contains the control character U+0000" in out
    assert "2 invalid row(s); nothing imported" in out
    with sessions() as session:
        assert counts(session) == (0, 0, 0, 0)


def test_an_actor_name_longer_than_the_audit_column_is_refused_before_any_row(cli, sessions):
    out = cli("org", "import", str(FIXTURES / "workflows" / "org.csv"), "--actor", "a" * 201, code=1)
    assert "error: the actor name is 201 characters long; at most 200 fit" in out and "Traceback" not in out
    with sessions() as session:
        assert counts(session) == (0, 0, 0, 0)
