"""`kinerja org import`: a whole SIASN-style file validated first, then upserted without duplicates."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from engine import audit
from engine.errors import InvalidInput
from engine.models import AuditEvent
from tests.conftest import FIXTURES
from workflows.models import Employee, Position, PositionAssignment, Unit
from workflows.organisation import org
from workflows.organisation.org_import import ImportRefused, import_org

ON = date(2026, 3, 2)
CSV = (FIXTURES / "workflows" / "org.csv").read_text()
DEDI, EKO = "199201152019031005", "199403032022211001"


def run(session, text: str = CSV, **options):
    result = import_org(session, text.encode("utf-8"), actor="ops", file="org.csv", on=ON, **options)
    session.commit()
    return result


def edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def counts(session):
    return tuple(session.execute(select(func.count()).select_from(model)).scalar_one()
                 for model in (Unit, Position, Employee, PositionAssignment))


def test_valid_file_creates_the_chart(session):
    result = run(session)
    assert result.counts == {kind: {"created": n, "updated": 0, "unchanged": 0}
                             for kind, n in (("unit", 5), ("position", 7), ("employee", 7))}
    assert result.transfers == 7 and result.skipped == []
    dukcapil = org.unit_by_code(session, "DUKCAPIL")
    assert dukcapil.kind == "dinas" and dukcapil.public_service and dukcapil.parent.code == "PEMKOT"
    assert dukcapil.head_position.code == "KADIS.DUKCAPIL"
    assert org.unit_by_code(session, "PEMKOT").head_position.code == "WALIKOTA"
    assert org.unit_by_code(session, "DUKCAPIL.DAFDUK.ID").head_position.code == "KASI.IDENTITAS"
    eko = org.employee_by_nip(session, EKO)
    assert (eko.kind, eko.gender, eko.status, eko.position.code) == ("pppk", "L", "aktif", "PLK.IDENTITAS")
    fitri = org.employee_by_nip(session, "199512122020122002")
    assert fitri.status == "tugas_belajar" and not org.eligible(fitri) and fitri.gender == "P"
    assert org.employee_by_nip(session, "197508202000122001").email == "siti@example.org"
    assert org.current_assignment(session, eko).started_on == date(2024, 1, 1)
    kasi = org.position_by_code(session, "KASI.IDENTITAS")
    assert org.holder_of(session, kasi, ON).name == "Citra Kasi"
    [event] = session.execute(select(AuditEvent).where(AuditEvent.event_type == "org_imported")).scalars()
    data = json.loads(event.data)
    assert event.chain == "global" and event.actor == "ops"
    assert data["sha256"] == hashlib.sha256(CSV.encode()).hexdigest() and data["counts"]["unit"]["created"] == 5
    assert audit.verify(session) == []


def test_one_invalid_row_refuses_the_whole_file(session):
    bad = edit(CSV, "199201152019031005;Dedi", "199213152019031005;Dedi")
    with pytest.raises(ImportRefused) as caught:
        run(session, bad)
    session.rollback()
    [problem] = caught.value.problems
    assert problem.line == 7 and "birth date 19921315 is not a real date" in problem.message
    assert str(problem).startswith("org.csv:7: ")
    assert caught.value.to_dict()["problems"][0]["line"] == 7
    assert counts(session) == (0, 0, 0, 0)
    assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 0


@pytest.mark.parametrize(("old", "new", "words"), [
    (";Dedi Pelaksana;PNS;", ";Dedi Pelaksana;PNX;", "JENIS_PEGAWAI 'PNX' is not one of"),
    (";Pengadministrasi Kependudukan;Pelaksana;DUKCAPIL.DAFDUK.ID;Seksi Identitas Penduduk;Seksi;DUKCAPIL.DAFDUK;"
     "KASI.IDENTITAS;AKTIF;L;;;01-01-2024\n199403",
     ";Pengadministrasi Kependudukan;Pelaksana;DUKCAPIL.DAFDUK.ID;Seksi Identitas Penduduk;Seksi;DUKCAPIL.DAFDUK;"
     "KASI.IDENTITAS;AKTIF;P;;;01-01-2024\n199403", "does not match the gender digit"),
    ("Dedi Pelaksana;PNS;PLK.IDENTITAS;Pengadministrasi Kependudukan;Pelaksana;",
     "Dedi Pelaksana;PNS;PLK.IDENTITAS;Pengadministrasi;Pelaksana;", "described differently on line 7"),
    (";KASI.IDENTITAS;AKTIF;L;;;01-01-2024\n199403", ";KASI.XX;AKTIF;L;;;01-01-2024\n199403",
     "KODE_JABATAN_ATASAN KASI.XX: no such position"),
    (";Pemkot;;;;;;N;", ";Pemkot;XX;;;;;N;", "KODE_UNOR_INDUK must be empty for the pemkot"),
    (";AKTIF;L;;;01-01-2024\n199403", ";CUTI;L;;;01-01-2024\n199403", "STATUS 'CUTI'"),
    (";AKTIF;L;;;01-01-2024\n199403", ";AKTIF;L;dedi-at-example;;01-01-2024\n199403", "not an e-mail"),
    (";AKTIF;L;;;01-01-2024\n199403", ";AKTIF;L;;;2026-12-01\n199403", "in the future"),
    (";AKTIF;L;;;01-01-2024\n199403", ";AKTIF;L;;;31-31-2024\n199403", "not a date"),
    ("199403032022211001;Eko", "199201152019031005;Eko", "already on line 7"),
])
def test_invalid_rows_are_reported_with_line_and_reason(session, old, new, words):
    with pytest.raises(ImportRefused) as caught:
        run(session, edit(CSV, old, new))
    assert any(words in p.message for p in caught.value.problems), caught.value.problems


def test_skip_invalid_imports_the_rest_and_drops_dependent_rows(session):
    # The Kabid row is wrong: the rows whose unit or superior only it declares go too (the Kasi,
    # the fungsional), and then the two pelaksana who report to the Kasi.
    bad = edit(CSV, "198003102005011003;Budi Kabid", "198003102005011003;Budi Kabid X;")
    bad = edit(bad, "198003102005011003;Budi Kabid X;;", "198003102005011003;Budi Kabid;")
    bad = edit(bad, "Budi Kabid;PNS;", "Budi Kabid;PNSX;")
    with pytest.raises(ImportRefused) as caught:
        run(session, bad)
    session.rollback()
    assert [p.line for p in caught.value.problems] == [5, 6, 7, 8, 9]
    result = run(session, bad, skip_invalid=True)
    assert [p.line for p in result.skipped] == [5, 6, 7, 8, 9]
    assert "JENIS_PEGAWAI 'PNSX'" in result.skipped[0].message
    assert "KODE_JABATAN_ATASAN KABID.DAFDUK: no such position" in result.skipped[1].message
    assert "no such" in result.skipped[2].message and "no such" in result.skipped[4].message
    assert result.counts["employee"]["created"] == 2 and result.counts["unit"]["created"] == 3
    with pytest.raises(Exception, match="no position"):
        org.position_by_code(session, "KASI.IDENTITAS")


def test_reimport_is_idempotent_and_applies_updates(session):
    run(session)
    before = counts(session)
    again = run(session)
    assert all(c == {"created": 0, "updated": 0, "unchanged": n} for c, n in
               zip(again.counts.values(), (5, 7, 7), strict=True))
    assert again.transfers == 0 and counts(session) == before

    # Dedi moves to the fungsional post from 1 February; the seksi gets a shorter name.
    changed = edit(CSV, "Dedi Pelaksana;PNS;PLK.IDENTITAS;Pengadministrasi Kependudukan;Pelaksana;"
                        "DUKCAPIL.DAFDUK.ID;Seksi Identitas Penduduk;Seksi;DUKCAPIL.DAFDUK;KASI.IDENTITAS;AKTIF;L;;;"
                        "01-01-2024",
                   "Dedi Pelaksana S.Kom;PNS;JF.ADMINDUK;Administrator Database Kependudukan Ahli Pertama;"
                   "Fungsional;DUKCAPIL.DAFDUK;Bidang Pelayanan Pendaftaran Penduduk;Bidang;DUKCAPIL;KABID.DAFDUK;"
                   "AKTIF;L;dedi@example.org;;2026-02-01")
    changed = changed.replace(";Seksi Identitas Penduduk;", ";Seksi Identitas;")
    result = run(session, changed)
    assert result.counts["unit"] == {"created": 0, "updated": 1, "unchanged": 4}
    assert result.counts["employee"] == {"created": 0, "updated": 1, "unchanged": 6}
    assert result.transfers == 1
    dedi = org.employee_by_nip(session, DEDI)
    assert (dedi.name, dedi.email, dedi.position.code) == ("Dedi Pelaksana S.Kom", "dedi@example.org", "JF.ADMINDUK")
    history = session.execute(select(PositionAssignment).where(PositionAssignment.employee_id == dedi.id)
                              .order_by(PositionAssignment.started_on)).scalars().all()
    assert [(a.position.code, a.started_on, a.ended_on) for a in history] == [
        ("PLK.IDENTITAS", date(2024, 1, 1), date(2026, 1, 31)), ("JF.ADMINDUK", date(2026, 2, 1), None)]
    assert counts(session)[:3] == before[:3]


def test_position_change_must_start_after_the_current_one(session):
    run(session)
    moved = edit(CSV, "Eko PPPK;PPPK;PLK.IDENTITAS;Pengadministrasi Kependudukan;Pelaksana;DUKCAPIL.DAFDUK.ID;"
                      "Seksi Identitas Penduduk;Seksi;DUKCAPIL.DAFDUK;KASI.IDENTITAS;AKTIF;L;;;01-01-2024",
                 "Eko PPPK;PPPK;JF.ADMINDUK;Administrator Database Kependudukan Ahli Pertama;Fungsional;"
                 "DUKCAPIL.DAFDUK;Bidang Pelayanan Pendaftaran Penduduk;Bidang;DUKCAPIL;KABID.DAFDUK;AKTIF;L;;;"
                 "01-12-2023")
    with pytest.raises(ImportRefused, match="1 invalid") as caught:
        run(session, moved)
    assert "give TMT_JABATAN" in caught.value.problems[0].message


def test_cycles_are_refused(session):
    text = CSV.replace(";KADIS.DUKCAPIL;AKTIF;L;;;01-01-2024", ";KASI.IDENTITAS;AKTIF;L;;;01-01-2024")
    with pytest.raises(ImportRefused) as caught:
        run(session, text)
    assert any("its own superior" in p.message for p in caught.value.problems)


def test_comma_delimiter_bom_header_spelling_and_unknown_columns(session):
    rows = [line.split(";") for line in CSV.strip().splitlines()]
    rows[0] = [name.title().replace("_", " ") for name in rows[0]]
    rows[0][0] = "NIP Baru"
    text = "\n".join(",".join([*r, "ignored"]) for r in rows) + "\n"
    result = import_org(session, ("\ufeff" + text).encode("utf-8"), actor="ops", on=ON)
    assert result.counts["employee"]["created"] == 7 and result.skipped == []


def test_file_level_problems_refuse_before_any_row(session):
    with pytest.raises(InvalidInput, match=r"missing column.*KODE_UNOR_INDUK"):
        run(session, CSV.replace("KODE_UNOR_INDUK", "INDUK"))
    with pytest.raises(InvalidInput, match="not UTF-8"):
        import_org(session, CSV.encode("utf-16"), actor="ops", on=ON)


def test_a_unit_can_be_marked_as_its_own_calibration_unit(session):
    # An optional column; Y on one row of the unit marks it, and a later import without the column keeps it.
    lines = CSV.splitlines()
    header = lines[0] + ";UNIT_KALIBRASI"
    rows = [line + (";Y" if ";DUKCAPIL.DAFDUK.ID;" in line else ";") for line in lines[1:]]
    result = run(session, "\n".join([header, *rows]) + "\n")
    assert result.skipped == []
    assert org.unit_by_code(session, "DUKCAPIL.DAFDUK.ID").calibration_unit is True
    assert org.unit_by_code(session, "DUKCAPIL").calibration_unit is False
    again = run(session)
    assert again.counts["unit"]["updated"] == 0
    assert org.unit_by_code(session, "DUKCAPIL.DAFDUK.ID").calibration_unit is True
    refused = [line + ";perhaps" for line in lines[1:]]
    with pytest.raises(ImportRefused):
        run(session, "\n".join([header, *refused]) + "\n")
