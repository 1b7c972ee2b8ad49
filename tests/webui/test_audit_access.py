"""Who viewed whose appraisal, across the city: the list of recorded looks and its filters."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from engine.clock import clock
from tests.webui.appraisal_fixtures import AGUS, MAYA, RINA, instance_of
from webui.extensions import db

PENGELOLA = "pengelola.disdukcapil"


def _looks(app: Flask, as_user) -> tuple[int, int]:
    """Rina (Maya's Atasan) opens Maya's appraisal; the Pengelola opens Agus's a day later; Maya opens her own."""
    maya, agus = instance_of(app, MAYA), instance_of(app, AGUS)
    as_user(RINA).get(f"/penilaian/{maya}")
    clock.set(clock.now() + timedelta(days=1))
    as_user(PENGELOLA).get(f"/penilaian/{agus}")
    as_user(MAYA).get(f"/penilaian/{maya}")  # the employee's own look is not recorded
    return maya, agus


def test_the_list_shows_who_looked_at_whose_records(app: Flask, as_user) -> None:
    maya, agus = _looks(app, as_user)
    page = as_user("inspektorat").get("/audit/akses").get_data(as_text=True)
    assert "2 akses tercatat" in page
    assert "Rina Marlina" in page and "Maya Sari" in page and PENGELOLA in page and "Agus Salim" in page
    assert "Atasan Pejabat Penilai" in page and "Pengelola Kinerja" in page  # as what they looked
    assert f'href="/audit/instans/{maya}"' in page and f'href="/audit/instans/{agus}"' in page
    assert page.index(PENGELOLA) < page.index("Rina Marlina")  # newest first


def test_the_filters(app: Flask, as_user) -> None:
    _looks(app, as_user)
    auditor = as_user("inspektorat")

    def found(query: str) -> str:
        return auditor.get(f"/audit/akses?{query}").get_data(as_text=True)

    assert "1 akses tercatat" in found("pelihat=rina") and PENGELOLA not in found("pelihat=rina")
    assert "1 akses tercatat" in found(f"pelihat={PENGELOLA}")
    by_employee = found(f"pegawai={MAYA}")
    assert "1 akses tercatat" in by_employee and "Rina Marlina" in by_employee
    assert "1 akses tercatat" in found("pegawai=agus+salim")
    assert "0 akses tercatat" in found("pegawai=tidak+ada")
    # the days are WITA days: T0 is 4 January 2027
    assert "1 akses tercatat" in found("dari=2027-01-05") and "1 akses tercatat" in found("sampai=2027-01-04")
    assert "2 akses tercatat" in found("dari=2027-01-04&sampai=2027-01-05")
    assert "0 akses tercatat" in found("dari=2027-02-01")


def test_the_unit_filter_includes_sub_units(app: Flask, as_user) -> None:
    _looks(app, as_user)
    from sqlalchemy import select

    from workflows.models.org import Unit
    with app.app_context():
        dukcapil = db.session.execute(select(Unit.id).where(Unit.code == "DISDUKCAPIL")).scalar_one()
        pupr = db.session.execute(select(Unit.id).where(Unit.code == "PUPR")).scalar_one()
    auditor = as_user("inspektorat")
    assert "2 akses tercatat" in auditor.get(f"/audit/akses?unit={dukcapil}").get_data(as_text=True)
    assert "0 akses tercatat" in auditor.get(f"/audit/akses?unit={pupr}").get_data(as_text=True)


def test_bad_dates_are_refused_beside_their_fields(app: Flask, as_user) -> None:
    _looks(app, as_user)
    page = as_user("admin").get("/audit/akses?dari=kemarin&sampai=2027-01-01").get_data(as_text=True)
    assert "Masukkan tanggal dengan format TTTT-BB-HH." in page
    assert "0 akses tercatat" in page  # the valid end date still applies: nothing before 1 January
    page = as_user("admin").get("/audit/akses?dari=2027-01-05&sampai=2027-01-04").get_data(as_text=True)
    assert "Tanggal akhir tidak boleh sebelum tanggal mulai." in page


def test_an_auditor_reading_a_trail_appears_in_the_list(app: Flask, as_user) -> None:
    maya = instance_of(app, MAYA)
    as_user("inspektorat").get(f"/audit/instans/{maya}")
    page = as_user("admin").get("/audit/akses").get_data(as_text=True)
    assert "1 akses tercatat" in page and "jejak audit" in page and "Inspektorat" in page
