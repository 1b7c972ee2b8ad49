"""The auditor in a real browser: finds an employee by NIP, opens the case, reads the trail, downloads the
dossier, runs the chain check and reads who viewed what; each page checked with axe and photographed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import LiveServer
from tests.browser.helpers import check_accessibility, screenshot, sign_in
from tests.webui.appraisal_fixtures import MAYA, instance_of
from tests.webui.plan_fixtures import APPRAISER, EMPLOYEE, agree_skp


def test_an_auditor_finds_a_case_reads_its_trail_and_downloads_the_dossier(page: Any,
                                                                            live_server: LiveServer) -> None:
    iid = agree_skp(live_server.app, EMPLOYEE, APPRAISER)
    sign_in(page, "inspektorat")
    page.get_by_role("link", name="Audit", exact=True).click()
    page.get_by_label("Nama pegawai, NIP, atau kunci bisnis").fill(EMPLOYEE)
    page.get_by_label("Proses").select_option("siklus_kinerja")
    page.get_by_role("button", name="Cari").click()
    page.wait_for_url(re.compile(r"cari="))
    assert page.get_by_text("1 instans ditemukan").is_visible()
    check_accessibility(page)
    screenshot(page, "audit-search")

    page.get_by_role("link", name=f"Jejak audit instans {iid}").click()
    page.wait_for_url(f"**/audit/instans/{iid}")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Rendi Saputra")
    assert page.get_by_text("Rantai instans (apa yang terjadi): utuh").is_visible()
    assert page.locator("table", has_text="keputusan_skp").count() == 1
    check_accessibility(page)
    screenshot(page, "audit-trail")

    with page.expect_download() as download:
        page.get_by_role("link", name="Berkas (PDF)").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"berkas-{iid}.pdf"
    assert Path(path).read_bytes().startswith(b"%PDF")


def test_an_auditor_runs_the_chain_check_and_reads_who_viewed_what(page: Any, live_server: LiveServer) -> None:
    sign_in(page, "admin")
    page.goto("/audit/verifikasi")
    check_accessibility(page)
    page.get_by_role("button", name="Mulai pemeriksaan").click()
    # the page polls the check and shows its result once done
    page.get_by_text(re.compile(r"Selesai: seluruh \d+ rantai utuh\.")).wait_for(timeout=60_000)
    check_accessibility(page)
    screenshot(page, "audit-checks")

    page.goto(f"/penilaian/{instance_of(live_server.app, MAYA)}")  # a look to list: the admin opens an appraisal
    # The diagram is the page script's own request: wait until it is drawn, or leaving would cancel that look.
    page.locator(".djs-element").first.wait_for(state="attached")
    page.goto("/audit/akses")
    # the page and its diagram (fetched by the page's script): two looks, newest first
    page.get_by_text("2 akses tercatat").wait_for()
    assert page.locator("tbody tr").first.get_by_text("diagram").is_visible()
    check_accessibility(page)
    screenshot(page, "audit-access")
