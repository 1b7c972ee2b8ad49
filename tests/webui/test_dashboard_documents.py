"""The printable SKP and Dokumen Evaluasi: PDFs with the employee's records, for whoever may see the appraisal."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from engine.models import AuditEvent
from tests.webui.appraisal_fixtures import AGUS, IRFAN, MAYA, instance_of
from tests.webui.plan_fixtures import agree_skp
from webui.extensions import db

SKP = f"/dasbor/pegawai/{MAYA}/2027/skp.pdf"
EVALUATION = f"/dasbor/pegawai/{MAYA}/2027/evaluasi.pdf"


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """Return the text of a PDF (poppler's pdftotext)."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True,
                          text=True).stdout


def looks(app: Flask, instance_id: int) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.event_type == "record_viewed", AuditEvent.instance_id == instance_id)).scalar_one()


@pytest.mark.parametrize("username", [MAYA, AGUS, "pengelola.disdukcapil", "bkpsdm"])
def test_the_agreed_skp_prints_with_its_plan_and_signatures(app: Flask, as_user, tmp_path: Path,
                                                            username: str) -> None:
    agree_skp(app, MAYA, AGUS)
    response = as_user(username).get(SKP)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data, tmp_path)
    assert "SASARAN KINERJA PEGAWAI" in text and "Maya Sari" in text and MAYA in text
    assert "Terlaksananya pencatatan akta" in text and "1200 akta" in text
    assert "Agus Salim" in text and AGUS in text  # the appraiser signed: name and NIP in the block
    assert "Ditandatangani secara elektronik" in text


def test_the_evaluation_document_prints_in_indonesian(app: Flask, as_user, tmp_path: Path) -> None:
    agree_skp(app, MAYA, AGUS)
    browser = as_user(MAYA)
    browser.post_form("/bahasa/en", {"next": "/"})  # the official form stays Indonesian whatever the reader's menu
    response = browser.get(EVALUATION)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = pdf_text(response.data, tmp_path)
    assert "DOKUMEN EVALUASI KINERJA PEGAWAI" in text and "Maya Sari" in text
    assert "Predikat Kinerja Pegawai" in text and "Capaian Kinerja Organisasi" in text
    assert "Agus Salim" in text and "Belum ditandatangani" in text  # the appraiser who agreed the SKP, unsigned


@pytest.mark.parametrize("username", [IRFAN, "pengelola.pupr", "walikota"])
def test_anyone_else_gets_not_found(app: Flask, as_user, username: str) -> None:
    iid = instance_of(app, MAYA)
    before = looks(app, iid)
    browser = as_user(username)
    for path in (SKP, EVALUATION, "/dasbor/pegawai/000000000000000000/2027/skp.pdf",
                 f"/dasbor/pegawai/{MAYA}/2031/skp.pdf"):
        response = browser.get(path)
        assert response.status_code == 404, path
        assert not response.data.startswith(b"%PDF")
    assert looks(app, iid) == before


def test_a_pengelola_printing_is_recorded_as_a_look_the_employee_printing_is_not(app: Flask, as_user) -> None:
    iid = instance_of(app, MAYA)
    before = looks(app, iid)
    assert as_user(MAYA).get(SKP).status_code == 200
    assert looks(app, iid) == before
    assert as_user("pengelola.disdukcapil").get(SKP).status_code == 200
    assert looks(app, iid) == before + 1


def test_the_appraisal_page_links_to_the_printable_skp(app: Flask, as_user) -> None:
    text = as_user(MAYA).get(f"/penilaian/{instance_of(app, MAYA)}").get_data(as_text=True)
    assert SKP in text
    assert EVALUATION not in text  # no predikat yet: nothing to evaluate
