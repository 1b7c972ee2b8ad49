"""Checking and deploying from the browser: the CLI's validation as JSON, deploy n+1, unchanged, hostile XML."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO

from flask import Flask
from sqlalchemy import select

from tests.demo_city import Browser
from tests.webui.definitions_fixtures import OWNER, counts, latest

REMINDER = '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">${pengingat_skp}</bpmn:timeDate>'
HOSTILE = b"""<?xml version="1.0"?>
<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>"""


def _reminder(xml: str, duration: str) -> str:
    """Return the SKP plan with the drafting reminder as a duration timer."""
    assert REMINDER in xml
    return xml.replace(REMINDER, f'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{duration}'
                                 "</bpmn:timeDuration>", 1)


def _plan(app: Flask) -> tuple[int, int, str, str]:
    version_id, number, main, files = latest(app, "perencanaan_skp")
    return version_id, number, main, files[main]


def test_check_of_the_deployed_file_finds_no_problem(app: Flask, as_user: Callable[[str], Browser]) -> None:
    version_id, _, main, xml = _plan(app)
    answer = as_user(OWNER).post_form("/definisi/periksa", {"base": version_id, "file": main, "xml": xml},
                                      token_page="/definisi/").get_json()
    assert answer["ok"] is True and answer["problems"] == []
    assert "perencanaan_skp" in answer["processes"]


def test_check_lists_a_broken_timer_with_its_line_and_element(app: Flask, as_user: Callable[[str], Browser]) -> None:
    version_id, _, main, xml = _plan(app)
    before = counts(app)
    answer = as_user(OWNER).post_form("/definisi/periksa", {"base": version_id, "file": main,
                                                            "xml": _reminder(xml, "P3X")},
                                      token_page="/definisi/").get_json()
    assert answer["ok"] is False
    [problem] = answer["problems"]
    assert problem["file"] == main and problem["element_id"] == "Event_pengingat_susun"
    assert problem["line"] == xml[:xml.index(REMINDER)].count("\n") + 1
    assert "P3X" in problem["message"]
    assert counts(app) == before


def test_deploy_creates_the_next_version_audited_then_unchanged(app: Flask, as_user: Callable[[str], Browser]) -> None:
    version_id, number, main, xml = _plan(app)
    versions, events = counts(app)
    browser = as_user(OWNER)
    changed = _reminder(xml, "P3D")
    response = browser.post_form("/definisi/deploy", {"base": version_id, "file": main, "xml": changed},
                                 token_page="/definisi/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/definisi/")
    new_id, new_number, _, files = latest(app, "perencanaan_skp")
    assert new_number == number + 1 and files[main] == changed
    assert counts(app)[0] > versions and counts(app)[1] > events
    page = browser.get("/definisi/").get_data(as_text=True)
    assert f"perencanaan_skp: versi {new_number} di-deploy." in page
    assert f'data-version-id="{new_id}"' in page
    from engine.models import AuditEvent
    from webui.extensions import db
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.event_type == "spec_deployed")
                                   .order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
        data = json.loads(event.data) if isinstance(event.data, str) else event.data
        assert event.actor == OWNER and data["process_id"] == "perencanaan_skp" and data["version"] == new_number
    # The same XML again: nothing new.
    stored = counts(app)
    browser.post_form("/definisi/deploy", {"base": new_id, "file": main, "xml": changed}, token_page="/definisi/")
    assert counts(app) == stored
    assert f"perencanaan_skp: tidak berubah, sudah di-deploy sebagai versi {new_number}." in \
        browser.get("/definisi/").get_data(as_text=True)


def test_a_broken_deploy_stores_nothing_and_lists_the_problem(app: Flask,
                                                              as_user: Callable[[str], Browser]) -> None:
    version_id, number, main, xml = _plan(app)
    before = counts(app)
    response = as_user(OWNER).post_form("/definisi/deploy", {"base": version_id, "file": main,
                                                             "xml": _reminder(xml, "P3X")},
                                        token_page="/definisi/")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tidak ada yang di-deploy" in html and 'data-element-id="Event_pengingat_susun"' in html
    assert counts(app) == before and latest(app, "perencanaan_skp")[1] == number


def test_hostile_xml_is_refused_in_indonesian_and_nothing_stored(app: Flask,
                                                                 as_user: Callable[[str], Browser]) -> None:
    version_id, _, main, _ = _plan(app)
    before = counts(app)
    browser = as_user(OWNER)
    refusal = "Berkas memuat DOCTYPE atau entitas"
    answer = browser.post_form("/definisi/periksa", {"base": version_id, "file": main, "xml": HOSTILE.decode()},
                               token_page="/definisi/").get_json()
    assert answer["ok"] is False and refusal in answer["refused"]
    deployed = browser.post_form("/definisi/deploy", {"base": version_id, "file": main, "xml": HOSTILE.decode()},
                                 token_page="/definisi/")
    assert deployed.status_code == 422 and refusal in deployed.get_data(as_text=True)
    uploaded = browser.post_form("/definisi/unggah", {"action": "deploy", "files": (BytesIO(HOSTILE), "x.bpmn")},
                                 content_type="multipart/form-data")
    assert uploaded.status_code == 422 and refusal in uploaded.get_data(as_text=True)
    assert counts(app) == before


def test_an_oversized_upload_is_refused(make_app: Callable[..., Flask], demo_url: str) -> None:
    app = make_app(demo_url, MAX_BPMN_BYTES=2000)
    app.test_client_class = Browser
    browser: Browser = app.test_client()  # type: ignore[assignment]
    browser.sign_in(OWNER)
    before = counts(app)
    response = browser.post_form("/definisi/unggah", {"action": "deploy",
                                                      "files": (BytesIO(b"<a/>" * 1000), "besar.bpmn")},
                                 content_type="multipart/form-data")
    assert response.status_code == 422 and "lebih besar dari batas 2,000 bita" in response.get_data(as_text=True)
    assert counts(app) == before


def test_upload_checks_then_deploys_a_camunda_modeler_file(app: Flask, as_user: Callable[[str], Browser]) -> None:
    _, number, main, xml = _plan(app)
    browser = as_user(OWNER)
    changed = _reminder(xml, "P5D").encode()
    before = counts(app)
    checked = browser.post_form("/definisi/unggah", {"action": "check", "files": (BytesIO(changed), main)},
                                content_type="multipart/form-data")
    assert checked.status_code == 200
    assert "Tidak ada masalah pada perencanaan_skp.bpmn" in checked.get_data(as_text=True)
    assert counts(app) == before
    broken = browser.post_form("/definisi/unggah", {"action": "deploy",
                                                    "files": (BytesIO(_reminder(xml, "P5X").encode()), main)},
                               content_type="multipart/form-data")
    assert broken.status_code == 422 and "Event_pengingat_susun" in broken.get_data(as_text=True)
    assert counts(app) == before
    deployed = browser.post_form("/definisi/unggah", {"action": "deploy", "files": (BytesIO(changed), main)},
                                 content_type="multipart/form-data")
    assert deployed.status_code == 303 and latest(app, "perencanaan_skp")[1] == number + 1


def test_upload_without_a_file_or_with_another_kind_is_refused(app: Flask, as_user: Callable[[str], Browser]) -> None:
    browser = as_user(OWNER)
    empty = browser.post_form("/definisi/unggah", {"action": "check"}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Pilih paling sedikit satu berkas" in empty.get_data(as_text=True)
    other = browser.post_form("/definisi/unggah", {"action": "check", "files": (BytesIO(b"<a/>"), "catatan.txt")},
                              content_type="multipart/form-data")
    assert other.status_code == 422 and "Hanya berkas .bpmn dan .dmn" in other.get_data(as_text=True)


def test_a_version_of_another_process_cannot_be_named(app: Flask, as_user: Callable[[str], Browser]) -> None:
    version_id, _, _, xml = _plan(app)
    before = counts(app)
    response = as_user(OWNER).post_form("/definisi/deploy", {"base": version_id, "file": "lain.bpmn", "xml": xml},
                                        token_page="/definisi/")
    assert response.status_code == 404 and counts(app) == before
    assert as_user(OWNER).post_form("/definisi/periksa", {"base": 99999, "file": "x.bpmn", "xml": xml},
                                    token_page="/definisi/").status_code == 404


def test_a_large_diagram_is_checked_and_one_beyond_the_limit_refused(
        make_app: Callable[..., Flask], demo_url: str) -> None:
    app = make_app(demo_url, MAX_BPMN_BYTES=900_000)
    app.test_client_class = Browser
    browser: Browser = app.test_client()  # type: ignore[assignment]
    browser.sign_in(OWNER)
    version_id, _, main, xml = _plan(app)
    large = xml + "<!-- " + "x" * 700_000 + " -->"  # beyond Flask's default 500 kB for a form field
    answer = browser.post_form("/definisi/periksa", {"base": version_id, "file": main, "xml": large},
                               token_page="/definisi/").get_json()
    assert answer["ok"] is True
    before = counts(app)
    too_large = browser.post_form("/definisi/deploy", {"base": version_id, "file": main, "xml": xml + "x" * 900_000},
                                  token_page="/definisi/")
    assert too_large.status_code == 422 and "lebih besar dari batas 900,000 bita" in too_large.get_data(as_text=True)
    assert counts(app) == before


def test_the_project_files_are_checked_in_the_strict_profile() -> None:
    from webui.definitions.checking import is_strict
    assert is_strict(["perencanaan_skp.bpmn"]) and is_strict(["mine.bpmn", "predikat_kinerja.dmn"])
    assert not is_strict(["mine.bpmn"]) and not is_strict(["../pyproject.toml"])


def test_a_file_opened_from_the_computer_is_checked_on_its_own(app: Flask, as_user: Callable[[str], Browser]) -> None:
    from pathlib import Path
    example = Path("bpmn/examples/izin_pelatihan.bpmn")
    answer = as_user(OWNER).post_form("/definisi/periksa", {"file": f"C:\\Users\\ani\\{example.name}",
                                                            "xml": example.read_text(encoding="utf-8")},
                                      token_page="/definisi/").get_json()
    # Without its DMN file (not sent, not taken from anywhere) the decision task cannot run.
    assert answer["ok"] is False and answer["files"] == [example.name]
    assert any("kategori" in p["message"] and p["element_id"] for p in answer["problems"]), answer["problems"]
