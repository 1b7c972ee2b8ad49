"""Who may open an appraisal, and that every look by anyone but its employee is in the audit trail."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.webui.appraisal_fixtures import AGUS, IRFAN, KADIS, MAYA, RINA, event_count, instance_of, views_of


@pytest.mark.parametrize(("username", "role"), [
    (MAYA, "Anda melihat sebagai: Pegawai"),
    (AGUS, "Anda melihat sebagai: Pejabat Penilai Kinerja"),
    (RINA, "Anda melihat sebagai: Atasan Pejabat Penilai"),  # as Plt of the vacant Kepala Bidang
    ("pengelola.disdukcapil", "Anda melihat sebagai: Pengelola Kinerja"),
    ("bkpsdm", "Anda melihat sebagai: Pengelola Kinerja"),  # city-wide
    ("inspektorat", "Anda melihat sebagai: Inspektorat"),
    ("admin", "Anda melihat sebagai: Administrator"),
])
def test_the_people_of_an_appraisal_open_it_in_their_role(app: Flask, as_user, username: str, role: str) -> None:
    iid = instance_of(app, MAYA)
    page = as_user(username).get(f"/penilaian/{iid}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert role in text and "Maya Sari" in text and "Penilaian Kinerja 2027" in text


@pytest.mark.parametrize("username", [IRFAN, KADIS, "pengelola.pupr", "tim.penilai", "walikota"])
def test_anyone_else_gets_not_found_for_the_page_and_the_diagram(app: Flask, as_user, username: str) -> None:
    iid = instance_of(app, MAYA)
    before = event_count(app, iid)
    browser = as_user(username)
    for path in (f"/penilaian/{iid}", f"/penilaian/{iid}/diagram", f"/penilaian/{iid}/diagram?proses=perencanaan_skp"):
        response = browser.get(path)
        assert response.status_code == 404, path
        assert "Maya Sari" not in response.get_data(as_text=True)
    assert event_count(app, iid) == before  # a refused look leaves no trace and no data


def test_an_employee_changing_the_id_in_the_address_sees_nothing(app: Flask, as_user) -> None:
    browser = as_user(MAYA)
    own, other = instance_of(app, MAYA), instance_of(app, IRFAN)
    assert browser.get(f"/penilaian/{own}").status_code == 200
    for path in (f"/penilaian/{other}", f"/penilaian/{other}/diagram", "/penilaian/1", "/penilaian/999999",
                 f"/penilaian/{own}/diagram?proses=tidak_ada"):
        response = browser.get(path)
        assert response.status_code == 404, path
        assert "Irfan Hakim" not in response.get_data(as_text=True)


def test_a_unit_calibration_instance_is_no_appraisal_even_for_the_auditor(app: Flask, as_user) -> None:
    from engine.runtime.lifecycle import instances
    from webui.extensions import db
    with app.app_context():
        calibration = instances.find(db.session, "kalibrasi_unit", "kalibrasi:2027:DISDUKCAPIL")
        assert calibration is not None
        calibration_id = calibration.id
    assert as_user("inspektorat").get(f"/penilaian/{calibration_id}").status_code == 404


def test_the_plt_appraises_the_head_of_section_under_the_vacant_post(app: Flask, as_user) -> None:
    page = as_user(RINA).get(f"/penilaian/{instance_of(app, AGUS)}")
    assert page.status_code == 200
    assert "Anda melihat sebagai: Pejabat Penilai Kinerja" in page.get_data(as_text=True)


def test_pages_need_sign_in(app: Flask, client) -> None:
    iid = instance_of(app, MAYA)
    for path in ("/penilaian/", f"/penilaian/{iid}", f"/penilaian/{iid}/diagram"):
        response = client.get(path)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_views_by_others_are_recorded_and_the_employees_own_are_not(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    as_user(MAYA).get(f"/penilaian/{iid}")
    as_user(MAYA).get(f"/penilaian/{iid}/diagram")
    assert views_of(app, iid) == []
    assert as_user(AGUS).get(f"/penilaian/{iid}").status_code == 200
    assert as_user("inspektorat").get(f"/penilaian/{iid}/diagram?proses=perencanaan_skp").status_code == 200
    assert views_of(app, iid) == [
        (AGUS, {"dilihat": "halaman", "peran": "pejabat_penilai"}),
        ("inspektorat", {"dilihat": "diagram", "peran": "inspektorat", "proses": "perencanaan_skp"}),
    ]


def test_the_employee_sees_who_looked_at_their_appraisal(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    as_user("pengelola.disdukcapil").get(f"/penilaian/{iid}")
    page = as_user(MAYA).get(f"/penilaian/{iid}").get_data(as_text=True)
    assert "Penilaian dilihat" in page and "pengelola.disdukcapil" in page
