"""What the appraisal page and list show each role: records, the timeline's privacy rules, the lists."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from engine import audit
from tests.webui.appraisal_fixtures import AGUS, IRFAN, MAYA, RINA, instance_of
from webui.extensions import db
from workflows.models import RaterResponse, Skp

SECRET = "jawaban-rahasia-7731"


def test_a_new_appraisal_says_what_is_not_there_yet(app: Flask, as_user) -> None:
    page = as_user(MAYA).get(f"/penilaian/{instance_of(app, MAYA)}").get_data(as_text=True)
    for expected in ("Belum ada RHK.", "Belum ada realisasi.", "Belum ada penilaian.", "Belum ada predikat.",
                     "Tidak ada keberatan yang diajukan.", "Belum ada yang ditandatangani.",
                     "Belum dipublikasikan.", "Kepala Seksi Kelahiran dan Kematian"):
        assert expected in page, expected
    # the timeline: readable Indonesian events, the system as actor, WITA time (09.00 = 01:00 UTC)
    assert "Siklus penilaian dimulai" in page and "SKP dibuka" in page and "Tugas diberikan" in page
    assert "Sistem" in page and "09.00" in page


def _rater_answered(app: Flask) -> None:
    """A colleague (Irfan) answered the multi-rater questions: his response, a trace and confidential answers."""
    iid = instance_of(app, MAYA)
    with app.app_context():
        skp = db.session.execute(select(Skp).where(Skp.instance_id == iid)).scalar_one()
        db.session.add(RaterResponse(skp_id=skp.id, rater_nip=IRFAN, relation="peer", scores={"kolaboratif": 4},
                                     comment=None, submitted_at=datetime(2027, 11, 1, tzinfo=UTC)))
        audit.record(db.session, "rater_response_recorded", IRFAN, instance_id=iid, data={"skp_id": skp.id})
        audit.record(db.session, audit.CONFIDENTIAL_EVENT, IRFAN, instance_id=iid,
                     data={"confidential": True, "submitted": {"komentar": SECRET}})
        db.session.commit()


def test_rater_identities_are_hidden_from_the_employee_and_the_appraiser(app: Flask, as_user) -> None:
    _rater_answered(app)
    iid = instance_of(app, MAYA)
    for username in (MAYA, AGUS):
        page = as_user(username).get(f"/penilaian/{iid}").get_data(as_text=True)
        assert "Jawaban rekan dicatat" in page and "rekan (dirahasiakan)" in page
        assert "Irfan Hakim" not in page and IRFAN not in page and SECRET not in page
    superior = as_user(RINA).get(f"/penilaian/{iid}").get_data(as_text=True)
    assert "Irfan Hakim" in superior and SECRET not in superior


def test_confidential_answers_are_for_inspektorat_only(app: Flask, as_user) -> None:
    _rater_answered(app)
    iid = instance_of(app, MAYA)
    for username in ("pengelola.disdukcapil", "admin", RINA):
        page = as_user(username).get(f"/penilaian/{iid}").get_data(as_text=True)
        assert "Jawaban rahasia dicatat" not in page and SECRET not in page, username
    auditor = as_user("inspektorat").get(f"/penilaian/{iid}").get_data(as_text=True)
    assert "Jawaban rahasia dicatat" in auditor and SECRET in auditor


def test_my_list_shows_my_own_appraisal_and_the_people_i_appraise(app: Flask, as_user) -> None:
    employee = as_user(MAYA).get("/penilaian/").get_data(as_text=True)
    assert "Penilaian saya" in employee and f"/penilaian/{instance_of(app, MAYA)}" in employee
    assert "Pegawai yang saya nilai" not in employee and "Cari penilaian" not in employee
    appraiser = as_user(AGUS).get("/penilaian/").get_data(as_text=True)
    assert "Pegawai yang saya nilai" in appraiser
    assert "Maya Sari" in appraiser and "Irfan Hakim" in appraiser
    plt = as_user(RINA).get("/penilaian/?tahun=2027").get_data(as_text=True)
    assert "Agus Salim" in plt and "Maya Sari" in plt  # as Plt: appraiser of one, superior of the other


def test_the_search_of_a_pengelola_stays_in_their_opd(app: Flask, as_user) -> None:
    own_opd = as_user("pengelola.disdukcapil").get("/penilaian/?cari=maya").get_data(as_text=True)
    assert "Cari penilaian" in own_opd and "Maya Sari" in own_opd and "1 penilaian ditemukan." in own_opd
    by_nip = as_user("pengelola.disdukcapil").get(f"/penilaian/?cari={MAYA[:10]}").get_data(as_text=True)
    assert "Maya Sari" in by_nip
    other_opd = as_user("pengelola.pupr").get("/penilaian/?cari=maya&unit=DISDUKCAPIL").get_data(as_text=True)
    assert "Maya Sari" not in other_opd and "Tidak ada penilaian yang cocok." in other_opd
    city = as_user("inspektorat").get("/penilaian/?unit=DISDUKCAPIL&tahun=2027").get_data(as_text=True)
    assert "Maya Sari" in city and "Dinas Kependudukan dan Pencatatan Sipil" in city
    assert "Tidak ada penilaian yang cocok." in as_user("inspektorat").get("/penilaian/?tahun=2026").get_data(
        as_text=True)


def test_the_navbar_leads_to_the_appraisals(app: Flask, as_user) -> None:
    page = as_user(MAYA).get("/").get_data(as_text=True)
    assert 'href="/penilaian/"' in page and ">Penilaian<" in page
