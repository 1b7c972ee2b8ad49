"""A process owner's change from end to end in a real browser: the reminder timer of SKP planning changed in the
modeler (opened from the yearly cycle, which calls the planning), checked, deployed, its diff read, the running
cycles dry-run and migrated."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.helpers import check_accessibility, screenshot, sign_in
from tests.browser.test_definitions import _latest, change_reminder_and_check, modeler_bundle  # noqa: F401
from tests.webui.migration_fixtures import plan_instances

from .conftest import LiveServer

REASON = "Pengingat penyusunan SKP dimajukan menjadi 3 hari"


def test_owner_changes_a_timer_deploys_reads_the_diff_and_migrates_the_running_cycles(
        page: Any, live_server: LiveServer, modeler_bundle: None) -> None:  # noqa: F811
    cycle = _latest(live_server, "siklus_kinerja")
    running = plan_instances(live_server.app, cycle)
    assert running  # the demo's cycles of the year, all on the deployed version
    sign_in(page, "bkpsdm")

    # The planning file, opened from the cycle that calls it: a deploy makes new versions of both.
    page.goto(f"/definisi/siklus_kinerja/{cycle}/ubah?berkas=perencanaan_skp.bpmn")
    page.wait_for_selector("#modeler[data-ready=true]")
    change_reminder_and_check(page)
    page.get_by_role("button", name="Deploy").click()
    page.wait_for_url(re.compile(r"/definisi/$"))
    assert _latest(live_server, "siklus_kinerja") == cycle + 1

    # The new version's page leads to its diff: the changed reminder, in the called process.
    page.goto(f"/definisi/siklus_kinerja/{cycle + 1}")
    page.get_by_role("link", name=f"Bandingkan dengan versi {cycle}").click()
    page.wait_for_url(re.compile(r"/diff"))
    changes = page.locator("main").inner_text()
    assert "Proses yang dipanggil perencanaan_skp" in changes and "P3D" in changes
    check_accessibility(page)
    screenshot(page, "owner-flow-diff")

    # The list offers to move the old version's running cycles; the dry run comes first, then the reasoned run.
    page.goto("/definisi/")
    page.get_by_role("link", name=f"Pindahkan instance berjalan versi {cycle} dari siklus_kinerja").click()
    page.wait_for_url(re.compile(r"/migrasi"))
    assert re.search(rf"\b{len(running)}\b", page.locator("main").inner_text())
    check_accessibility(page)
    screenshot(page, "owner-flow-dry-run")
    page.locator("#alasan").fill(REASON)
    page.locator("#migration-form button[type=submit]").click()
    page.get_by_text("Migrasi selesai").wait_for(timeout=90_000)
    assert f"{len(running)} dipindahkan, 0 tidak dapat dipindahkan" in page.locator("main").inner_text()
    assert plan_instances(live_server.app, cycle) == []
    assert len(plan_instances(live_server.app, cycle + 1)) == len(running)
    screenshot(page, "owner-flow-migrated")
