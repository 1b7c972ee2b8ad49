"""The employee's own data page in a real browser: the account menu leads there, the list says who viewed her
appraisal, and the download button saves her JSON copy; checked with axe-core and photographed at both widths."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.browser.conftest import LiveServer
from tests.webui.appraisal_fixtures import AGUS, MAYA, instance_of

from .helpers import check_accessibility, screenshot, sign_in


def test_the_employee_sees_who_viewed_her_appraisal_and_downloads_her_data(
        new_page: Callable[[], Any], live_server: LiveServer) -> None:
    appraiser = new_page()
    sign_in(appraiser, AGUS)
    appraiser.goto(f"/penilaian/{instance_of(live_server.app, MAYA)}")

    page = new_page()
    sign_in(page, MAYA)
    page.locator("#user-menu").click()
    page.get_by_role("link", name="Data pribadi saya").click()
    page.wait_for_url("**/data-pribadi/")
    assert page.get_by_role("heading", level=1).inner_text() == "Data pribadi saya"
    row = page.locator("#views tbody tr").first
    assert "Agus Salim" in row.inner_text() and "Pejabat Penilai Kinerja" in row.inner_text()
    check_accessibility(page)
    screenshot(page, "personal-data")

    with page.expect_download() as started:
        page.get_by_role("button", name="Unduh data saya (JSON)").click()
    download = started.value
    assert download.suggested_filename.startswith(f"data-pribadi-{MAYA}-")
    assert download.suggested_filename.endswith(".json")
    copy = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert copy["skema"] == "kinerja.data-pribadi" and copy["pegawai"]["nip"] == MAYA
    # The appraiser's look at the page and at its diagram.
    assert {view["nama"] for view in copy["dilihat_oleh"]} == {"Agus Salim, S.H."}
