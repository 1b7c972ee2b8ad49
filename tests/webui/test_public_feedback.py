"""The public feedback form: a person's answers are stored; bots, NIKs, floods and other units are refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from engine.clock import clock
from engine.models import AuditEvent
from workflows.models import PublicFeedback
from workflows.organisation import org
from workflows.publishing import public_feedback

FORM = "/publik/umpan-balik/DISDUKCAPIL"
ANSWERS = {"berorientasi_pelayanan": "5", "akuntabel": "4", "kompeten": "4", "komentar": "Antrean cepat."}


def stored(app: Flask) -> list[PublicFeedback]:
    from webui.extensions import db
    with app.app_context():
        db.session.expire_all()
        return list(db.session.execute(select(PublicFeedback).order_by(PublicFeedback.id)).scalars())


def send(client: Any, data: dict[str, str], path: str = FORM, wait: float = 10) -> Any:
    """Open the form, take wait seconds to fill it in, send it as a browser would."""
    token = client.csrf(path)
    started = _started(client.get(path).get_data(as_text=True))
    clock.advance(timedelta(seconds=wait))
    return client.post(path, data={"csrf_token": token, "started": started, "website": "", **data})


def _started(html: str) -> str:
    import re
    found = re.search(r'name="started" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="started" name="started" type="hidden" value="([^"]+)"', html)
    assert found, "no start time in the form"
    return found.group(1)


def test_the_form_asks_for_no_personal_data_and_needs_no_sign_in(client):
    page = client.get(FORM)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bagaimana layanan Dinas Kependudukan dan Pencatatan Sipil?" in html
    for personal in ('name="nama"', 'name="nik"', 'name="email"', 'type="email"', 'type="tel"'):
        assert personal not in html
    assert html.count('type="radio"') == 7 * 5
    # The honeypot is hidden by a class and from screen readers, never by an inline style.
    assert 'class="kp-field-extra" aria-hidden="true"' in html and 'tabindex="-1"' in html


def test_a_person_s_answers_are_stored_and_thanked(app, client):
    response = send(client, ANSWERS)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{FORM}/terima-kasih")
    assert "Terima kasih atas umpan balik Anda" in client.get(response.headers["Location"]).get_data(as_text=True)
    [entry] = stored(app)
    assert entry.scores == {"berorientasi_pelayanan": 5, "akuntabel": 4, "kompeten": 4}
    assert entry.comment == "Antrean cepat." and entry.year == 2027
    from webui.extensions import db
    with app.app_context():
        [event] = db.session.execute(select(AuditEvent).where(
            AuditEvent.event_type == "public_feedback_received")).scalars().all()
        assert event.actor == "publik" and "Antrean" not in str(event.data)


@pytest.mark.parametrize("comment", ["NIK saya 6472010101010001, mohon dicek",
                                     "nik 6472 0101 0101 0001", "6472-0101-0101-0001"])
def test_a_nik_in_the_text_is_refused_politely_and_nothing_is_stored(app, client, comment):
    response = send(client, {**ANSWERS, "komentar": comment})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Mohon jangan menuliskan NIK atau nomor pribadi lain di sini" in html
    assert 'id="komentar-error"' in html and comment in html  # kept, beside the field, to correct
    assert 'id="berorientasi_pelayanan-5" value="5" checked' in html
    assert stored(app) == []


def test_the_honeypot_filled_in_is_refused_and_nothing_is_stored(app, client):
    response = send(client, {**ANSWERS, "website": "http://spam.example"})
    assert response.status_code == 400
    assert "Umpan balik Anda tidak dapat dikirim" in response.get_data(as_text=True)
    assert stored(app) == []


def test_a_form_sent_too_fast_is_refused_and_nothing_is_stored(app, client):
    response = send(client, ANSWERS, wait=1)
    assert response.status_code == 400
    assert "Formulir dikirim sangat cepat" in response.get_data(as_text=True)
    assert stored(app) == []


@pytest.mark.parametrize("started", ["", "1790000000.0", "tampered.signature"])
def test_a_missing_or_forged_start_time_is_refused(app, client, started):
    token = client.csrf(FORM)
    clock.advance(timedelta(seconds=30))
    response = client.post(FORM, data={"csrf_token": token, "started": started, **ANSWERS})
    assert response.status_code == 400 and "sudah tidak berlaku" in response.get_data(as_text=True)
    assert stored(app) == []


def test_a_form_left_open_for_a_day_is_asked_again(app, client):
    response = send(client, ANSWERS, wait=24 * 3600)
    assert response.status_code == 400 and stored(app) == []


def test_no_score_or_a_score_off_the_scale_is_refused(app, client):
    response = send(client, {"komentar": "Bagus."})
    assert response.status_code == 400 and "sedikitnya satu aspek" in response.get_data(as_text=True)
    response = send(client, {"akuntabel": "9"})
    assert response.status_code == 400 and "Pilih nilai 1 sampai 5." in response.get_data(as_text=True)
    assert stored(app) == []


def test_csrf_stays_on(app, client):
    client.get(FORM)
    response = client.post(FORM, data=ANSWERS)
    assert response.status_code == 400 and stored(app) == []


def test_sending_is_limited_per_address(demo_url, make_app):
    app = make_app(demo_url, PUBLIC_FEEDBACK_LIMIT="2 per hour")
    from tests.demo_city import Browser
    app.test_client_class = Browser
    client = app.test_client()
    assert send(client, ANSWERS).status_code == 303
    assert send(client, {**ANSWERS, "website": "x"}).status_code == 400  # a refused one counts too
    response = send(client, ANSWERS)
    assert response.status_code == 429
    assert len(stored(app)) == 1
    # Another address is not held back by this one.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert send(other, ANSWERS).status_code == 303
    assert len(stored(app)) == 2


@pytest.mark.parametrize("code", ["PUPR", "BKPSDM", "TIDAK-ADA"])
def test_a_unit_without_public_service_has_no_form(app, client, code):
    assert client.get(f"/publik/umpan-balik/{code}").status_code == 404
    token = client.csrf("/publik")
    response = client.post(f"/publik/umpan-balik/{code}", data={"csrf_token": token, **ANSWERS})
    assert response.status_code == 404 and stored(app) == []


def test_the_survey_gives_the_process_the_averages_of_the_unit_and_the_office_above(app, client):
    send(client, {"berorientasi_pelayanan": "5", "akuntabel": "4"})
    send(client, {"berorientasi_pelayanan": "4"})
    send(client, {"kompeten": "2"}, path="/publik/umpan-balik/DUKCAPIL-IDENTITAS")
    send(client, {"kompeten": "5"}, path="/publik/umpan-balik/KEL-SIDODADI")  # another office: not counted
    from webui.extensions import db
    with app.app_context():
        seksi = org.unit_by_code(db.session, "DUKCAPIL-IDENTITAS")
        result = public_feedback.survey(db.session, seksi, 2027)
        assert result["nilai"] == {"berorientasi_pelayanan": 4.5, "akuntabel": 4.0, "kompeten": 2.0}
        assert "3 jawaban" in result["sumber"]
        assert public_feedback.survey(db.session, org.unit_by_code(db.session, "PUPR"), 2027) is None
        assert public_feedback.survey(db.session, seksi, 2026) is None


def test_the_process_reads_the_averages_of_its_skp_unit(app, client):
    from engine.context import RunContext, running
    from webui.extensions import db
    from workflows.models import Skp, Unit
    from workflows.script_functions import FUNCTIONS
    send(client, {"harmonis": "3"})
    send(client, {"harmonis": "4"}, path="/publik/umpan-balik/DUKCAPIL-IDENTITAS")
    with app.app_context():
        session = db.session
        seksi = org.unit_by_code(session, "DUKCAPIL-IDENTITAS")
        skp = session.execute(select(Skp).where(Skp.unit_id == seksi.id,
                                                Skp.instance_id.is_not(None))).scalars().first()
        context = RunContext(session=session, instance_id=skp.instance_id, process_id="umpan_balik_rekan",
                             business_key="test", actor="test")
        with running(context):
            assert FUNCTIONS["umpan_balik_publik_unit"]() == {
                "sumber": "Formulir umpan balik publik Kinerja (2 jawaban)", "nilai": {"harmonis": 3.5}}
        pupr = session.execute(select(Skp).join(Unit, Unit.id == Skp.unit_id).where(
            Unit.code == "PUPR-JALAN", Skp.instance_id.is_not(None))).scalars().first()
        with running(RunContext(session=session, instance_id=pupr.instance_id, process_id="x", business_key="x",
                                actor="x")):
            assert FUNCTIONS["umpan_balik_publik_unit"]() is None
