"""Process definitions in the browser: the list, a version's page, downloads, who may reach them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import event

from tests.demo_city import Browser
from tests.webui.definitions_fixtures import ADMIN, NOT_OWNERS, OWNER, latest, running_of
from tests.webui.rating_fixtures import RATED

PAGES = ("/definisi/", "/definisi/perencanaan_skp/1", "/definisi/perencanaan_skp/1/berkas/perencanaan_skp.bpmn",
         "/definisi/perencanaan_skp/1/ubah", "/definisi/modeler", "/definisi/unggah")


def test_list_shows_each_process_with_its_versions_and_running_instances(
        app: Flask, as_user: Callable[[str], Browser]) -> None:
    page = as_user(OWNER).get("/definisi/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for process in ("siklus_kinerja", "perencanaan_skp", "keberatan"):
        assert f'<code class="small ms-1 text-body-emphasis text-break">{process}</code>' in html
    version_id, *_ = latest(app, "siklus_kinerja")
    running = running_of(app, version_id)
    assert running > 50  # the 2027 cycle: one appraisal per demo employee
    row = html.split(f'data-version-id="{version_id}"')[1].split("</tr>")[0]
    assert f'data-running="{running}"' in row and ">demo<" in row and "Versi 1" in row
    # Nothing runs on the examples' versions.
    assert 'data-running="0"' in html


def test_list_runs_a_fixed_number_of_queries(app: Flask, as_user: Callable[[str], Browser]) -> None:
    from webui.extensions import db
    browser = as_user(OWNER)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert browser.get("/definisi/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    versions = [s for s in statements if "FROM spec_version" in s]
    instances = [s for s in statements if "FROM instance" in s]
    assert len(versions) == 1 and len(instances) == 1, statements


@pytest.mark.parametrize("username", [OWNER, ADMIN])
def test_owners_reach_every_page(as_user: Callable[[str], Browser], username: str) -> None:
    browser = as_user(username)
    for path in PAGES:
        assert browser.get(path).status_code == 200, path
    assert "Definisi" in browser.get("/").get_data(as_text=True)


@pytest.mark.parametrize("username", NOT_OWNERS)
def test_others_are_refused_everywhere(as_user: Callable[[str], Browser], username: str) -> None:
    browser = as_user(username)
    for path in PAGES:
        response = browser.get(path)
        assert response.status_code == 403, path
        assert "<?xml" not in response.get_data(as_text=True) and "bpmn:process" not in response.get_data(as_text=True)
    assert 'href="/definisi/"' not in browser.get("/").get_data(as_text=True)
    token = browser.csrf("/kata-sandi")
    for path in ("/definisi/periksa", "/definisi/deploy"):
        assert browser.post(path, data={"csrf_token": token, "xml": "<x/>", "file": "a.bpmn"}).status_code == 403


def test_signed_out_goes_to_sign_in(client: Browser) -> None:
    response = client.get("/definisi/")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_version_page_shows_diagram_tables_and_files(app: Flask, as_user: Callable[[str], Browser]) -> None:
    _, number, main, files = latest(app, "siklus_kinerja")
    html = as_user(OWNER).get(f"/definisi/siklus_kinerja/{number}").get_data(as_text=True)
    assert f"/definisi/siklus_kinerja/{number}/berkas/{main}" in html
    assert 'id="definition-diagram"' in html and "bpmn-navigated-viewer" in html
    dmn = [name for name in files if name.endswith(".dmn")]
    assert dmn, files
    for name in files:
        assert f"berkas/{name}" in html
    assert html.count("data-dmn-url") == len(dmn) and "dmn-viewer.production.min.js" in html


def test_download_is_the_file_exactly_as_deployed(app: Flask, as_user: Callable[[str], Browser]) -> None:
    _, number, main, files = latest(app, "perencanaan_skp")
    response = as_user(OWNER).get(f"/definisi/perencanaan_skp/{number}/berkas/{main}")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == files[main]
    assert response.headers["Content-Disposition"] == f'attachment; filename="{main}"'
    assert response.mimetype == "application/xml"


@pytest.mark.parametrize("path", ["/definisi/perencanaan_skp/99", "/definisi/tidak_ada/1",
                                  "/definisi/perencanaan_skp/1/berkas/siklus_kinerja_lain.bpmn",
                                  "/definisi/perencanaan_skp/1/berkas/../../etc/passwd",
                                  "/definisi/perencanaan_skp/1/ubah?berkas=lain.dmn"])
def test_unknown_versions_and_files_are_404(as_user: Callable[[str], Browser], path: str) -> None:
    assert as_user(OWNER).get(path).status_code == 404


def test_an_employee_sees_no_definitions_link(as_user: Callable[[str], Browser]) -> None:
    assert "/definisi/" not in as_user(RATED).get("/").get_data(as_text=True)
