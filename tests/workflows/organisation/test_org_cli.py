"""`kinerja org import` through the Flask CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import FIXTURES
from workflows.cycle import periods
from workflows.models import Employee, Unit
from workflows.organisation import org

CSV = FIXTURES / "workflows" / "org.csv"


def employees(sessions) -> int:
    with sessions() as session:
        return session.execute(select(func.count()).select_from(Employee)).scalar_one()


def test_import_prints_a_summary_and_reimport_changes_nothing(cli, sessions):
    out = cli("org", "import", str(CSV), "--on", "2026-03-02", "--actor", "bkpsdm")
    assert "units: 5 created, 0 updated, 0 unchanged" in out
    assert "employees: 7 created, 0 updated, 0 unchanged" in out and "position changes recorded: 7" in out
    out = cli("org", "import", str(CSV), "--on", "2026-03-02")
    assert "positions: 0 created, 0 updated, 7 unchanged" in out and "position changes recorded: 0" in out
    assert employees(sessions) == 7
    assert "intact" in cli("audit", "verify")


def test_invalid_rows_refuse_the_file_unless_skipped(cli, sessions, tmp_path):
    bad = tmp_path / "pegawai.csv"
    bad.write_text(CSV.read_text().replace("199403032022211001;Eko", "199403032022213001;Eko"))
    out = cli("org", "import", str(bad), "--on", "2026-03-02", code=1)
    assert "pegawai.csv:8: NI PPPK 199403032022213001: gender digit 3" in out
    assert "1 invalid row(s); nothing imported" in out
    assert employees(sessions) == 0
    out = cli("org", "import", str(bad), "--on", "2026-03-02", "--skip-invalid")
    assert "skipped pegawai.csv:8:" in out and "employees: 6 created" in out and "1 invalid row(s) skipped" in out
    assert employees(sessions) == 6


def test_missing_column_is_a_refusal(cli, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("NIP;NAMA\n")
    assert "missing column(s) JENIS_PEGAWAI" in cli("org", "import", str(bad), code=1)


def test_an_opd_chooses_its_periods_and_its_sub_units_follow(cli, sessions):
    cli("org", "import", str(CSV), "--on", "2026-03-02")
    with sessions() as session:
        opd = next(u for u in session.execute(select(Unit)).scalars() if u.kind == "dinas")
        child = next(u for u in session.execute(select(Unit)).scalars() if u.parent_id == opd.id)
        opd_code, child_code = opd.code, child.code
    assert cli("org", "periode", opd_code, "bulanan").strip() == f"{opd_code}: bulanan"
    with sessions() as session:
        assert periods.jenis_periode_of(org.unit_by_code(session, child_code)) == "bulanan"
    assert "mingguan" in cli("org", "periode", opd_code, "mingguan", code=2)
    assert "give a period kind or --clear" in cli("org", "periode", opd_code, code=1)
    assert "NOWHERE" in cli("org", "periode", "NOWHERE", "semesteran", code=1)
    assert cli("org", "periode", opd_code, "--clear").strip() == f"{opd_code}: as the unit above"
    with sessions() as session:
        assert periods.jenis_periode_of(org.unit_by_code(session, child_code)) is None
    assert "intact" in cli("audit", "verify")
