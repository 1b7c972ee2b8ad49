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


def test_the_records_show_realisation_rating_predikat_and_keberatan_once_there(app: Flask, as_user) -> None:
    from workflows.objections import appeals
    from workflows.planning import skp as skp_records
    from workflows.rating import ratings
    iid = instance_of(app, MAYA)
    with app.app_context():
        skp = db.session.execute(select(Skp).where(Skp.instance_id == iid)).scalar_one()
        skp_records.save_plan(db.session, skp, {"rhk": [{"uraian": "Akta kelahiran terbit tepat waktu", "iki": [
            {"uraian": "Akta terbit dalam 3 hari", "target": 95, "satuan": "%"}]}]}, MAYA)
        iki = skp.rhk[0].iki[0]
        skp_records.record_realisation(db.session, skp, iki.id, "Triwulan I", "97", MAYA,
                                       evidence_url="https://arsip.example/akta-tw1")
        ratings.record_rating(db.session, skp, "di_atas", "sesuai", "sangat_baik", AGUS)
        appeals.file_appeal(db.session, skp, "Capaian triwulan IV belum dihitung", MAYA)
        db.session.commit()
    page = as_user(MAYA).get(f"/penilaian/{iid}").get_data(as_text=True)
    for expected in ("Akta terbit dalam 3 hari", "95 %", "Triwulan I", "97", 'href="https://arsip.example/akta-tw1"',
                     "Di atas ekspektasi", "Sesuai ekspektasi", "Predikat saat ini", "Sangat Baik",
                     "Penilaian Pejabat Penilai Kinerja", "Capaian triwulan IV belum dihitung", "belum diputus",
                     "Keberatan diajukan", "Penilaian dicatat"):
        assert expected in page, expected
    assert "Belum ada predikat." not in page and "Belum ada realisasi." not in page


def test_the_page_speaks_english_when_chosen(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    browser = as_user(MAYA)
    browser.post_form("/bahasa/en", {"next": f"/penilaian/{iid}"}, token_page="/penilaian/")
    page = browser.get(f"/penilaian/{iid}").get_data(as_text=True)
    assert "You see this as: Employee" in page and "Appraisal cycle started" in page and "No RHK yet." in page


def test_an_account_with_no_appraisal_to_see_is_told_so(app: Flask, as_user) -> None:
    page = as_user("tim.penilai").get("/penilaian/").get_data(as_text=True)
    assert "Tidak ada penilaian yang dapat Anda lihat." in page and "Maya Sari" not in page


def test_the_timeline_shows_the_latest_events_first_and_folds_the_older_ones(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    with app.app_context():
        before = len(audit.events_of(db.session, iid))
        for n in range(20):
            audit.record(db.session, "skp_drafted", MAYA, instance_id=iid, data={"urutan": n})
        db.session.commit()
    page = as_user(MAYA).get(f"/penilaian/{iid}").get_data(as_text=True)
    total = before + 20
    shown, folded = page.split(f"Tampilkan {total - 15} peristiwa yang lebih lama")
    # The newest event (urutan 19) is on top, above the fold; the first ever (the cycle's start) below it.
    assert "&#34;urutan&#34;: 19" in shown and "&#34;urutan&#34;: 4" not in shown
    assert "Siklus penilaian dimulai" in folded and "Siklus penilaian dimulai" not in shown
