"""The process owner in a real browser: the definitions list, a version's diagram and DMN tables, and the
modeler: change a reminder timer, "Simpan & periksa", deploy, the new version listed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import ROOT, check_accessibility, screenshot, sign_in

from .conftest import LiveServer, _unavailable

BUNDLE = ROOT / "webui" / "static" / "build" / "modeler.js"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"


@pytest.fixture(scope="module")
def modeler_bundle() -> None:
    """Build the modeler bundle (`make install` does) when it is missing and node is there; else skip/fail."""
    if BUNDLE.exists():
        return
    if not ESBUILD.exists() or shutil.which("node") is None:
        _unavailable(f"{BUNDLE} is missing and cannot be built here (`make install` builds it)")
    # The npm packages are there (esbuild is): build only the bundle, never reinstall node_modules.
    subprocess.run(["make", "-C", str(ROOT), "-o", "node_modules/.installed", os.path.relpath(BUNDLE, ROOT)],
                   check=True, capture_output=True)


def _latest(live_server: LiveServer, process_id: str) -> int:
    from engine.definitions.specs import latest_version
    from webui.extensions import db
    with live_server.app.app_context():
        version = latest_version(db.session, process_id)
        assert version is not None
        return version.version


def change_reminder_and_check(page: Any, duration: str = "P3D") -> None:
    """In the open modeler, set the SKP reminder timer's duration through the model; check it; expect no problem."""
    page.evaluate("""(duration) => {
        const modeler = window.kinerjaModeler;
        const event = modeler.get('elementRegistry').get('Event_pengingat_susun');
        const timer = event.businessObject.eventDefinitions[0];
        const body = modeler.get('moddle').create('bpmn:FormalExpression', { body: duration });
        modeler.get('modeling').updateModdleProperties(event, timer, { timeDate: undefined, timeDuration: body });
    }""", duration)
    page.get_by_role("button", name="Simpan & periksa").click()
    page.wait_for_selector("#modeler[data-checked]")
    problems = page.locator("#modeler-problems").inner_text()
    assert page.locator("#modeler").get_attribute("data-checked") == "ok", problems


def test_list_and_version_pages(page: Any, live_server: LiveServer) -> None:
    sign_in(page, "bkpsdm")
    page.get_by_role("link", name="Definisi").click()
    page.wait_for_url(re.compile(r"/definisi/$"))
    assert page.locator("h1").inner_text() == "Definisi proses"
    check_accessibility(page)
    screenshot(page, "definitions-list")
    number = _latest(live_server, "siklus_kinerja")
    page.goto(f"/definisi/siklus_kinerja/{number}")
    page.wait_for_selector("#definition-diagram[data-drawn=true]")
    page.wait_for_selector(".dmn-table-view[data-drawn=true]")
    assert page.locator(".dmn-table-view .tjs-table").count() >= 2
    check_accessibility(page, exclude=[".djs-container", ".dmn-table-view"])
    screenshot(page, "definitions-version")
    page.get_by_role("link", name="Definisi proses").click()
    page.get_by_role("link", name="Unggah berkas").click()
    page.get_by_role("button", name="Periksa", exact=True).click()
    assert "Pilih paling sedikit satu berkas" in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "definitions-upload")


def test_owner_changes_a_reminder_in_the_modeler_and_deploys(page: Any, live_server: LiveServer,
                                                             modeler_bundle: None) -> None:
    number = _latest(live_server, "perencanaan_skp")
    sign_in(page, "bkpsdm")
    page.goto(f"/definisi/perencanaan_skp/{number}/ubah")
    page.wait_for_selector("#modeler[data-ready=true]")
    assert page.locator("#modeler-panel .bio-properties-panel").count() == 1
    change_reminder_and_check(page)
    assert "Tidak ada masalah" in page.locator("#modeler-status").inner_text()
    screenshot(page, "definitions-modeler")
    page.get_by_role("button", name="Deploy").click()
    page.wait_for_url(re.compile(r"/definisi/$"))
    assert f"perencanaan_skp: versi {number + 1} di-deploy." in page.locator("main").inner_text()
    assert _latest(live_server, "perencanaan_skp") == number + 1
    assert page.get_by_role("link", name=f"Versi {number + 1}").count() >= 1


def test_a_broken_timer_is_listed_and_marked(new_page: Callable[[], Any], live_server: LiveServer,
                                             modeler_bundle: None) -> None:
    page = new_page()
    sign_in(page, "admin")
    page.goto("/definisi/perencanaan_skp/1/ubah")
    page.wait_for_selector("#modeler[data-ready=true]")
    page.evaluate("""() => {
        const modeler = window.kinerjaModeler;
        const event = modeler.get('elementRegistry').get('Event_pengingat_susun');
        const timer = event.businessObject.eventDefinitions[0];
        const duration = modeler.get('moddle').create('bpmn:FormalExpression', { body: 'P3X' });
        modeler.get('modeling').updateModdleProperties(event, timer, { timeDate: undefined, timeDuration: duration });
    }""")
    page.get_by_role("button", name="Simpan & periksa").click()
    page.wait_for_selector("#modeler[data-checked=problems]")
    assert "P3X" in page.locator("#modeler-problems").inner_text()
    assert page.locator('[data-element-id="Event_pengingat_susun"].has-problem').count() == 1
    assert page.locator(".problem-badge").count() == 1
    assert page.locator("#modeler-deploy").is_disabled()
    screenshot(page, "definitions-modeler-problems")


def test_decision_tables_open_in_the_dmn_modeler_and_check(page: Any, live_server: LiveServer,
                                                           modeler_bundle: None) -> None:
    number = _latest(live_server, "siklus_kinerja")
    sign_in(page, "bkpsdm")
    page.goto(f"/definisi/siklus_kinerja/{number}/ubah?berkas=predikat_kinerja.dmn")
    page.wait_for_selector("#modeler[data-ready=true]")
    assert page.locator("#modeler-dmn .tjs-table").count() == 1
    assert page.locator("#modeler-bpmn").is_hidden()
    page.get_by_role("button", name="Simpan & periksa").click()
    page.wait_for_selector("#modeler[data-checked]")
    assert page.locator("#modeler").get_attribute("data-checked") == "ok", page.locator("#modeler-status").inner_text()
    screenshot(page, "definitions-dmn-modeler")
