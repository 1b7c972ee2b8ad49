"""The process owner's diff, migration and incident pages in a real browser: markers drawn, a migration run
to its end by the page itself, axe-core and screenshots at both widths."""

from __future__ import annotations

import re

from tests.browser.helpers import check_accessibility, screenshot, sign_in
from tests.webui.migration_fixtures import deploy_plan_v2, incident, plan_instances


def test_diff_marks_the_changed_timer_on_both_diagrams(page, live_server):
    deploy_plan_v2(live_server.app)
    sign_in(page, "admin")
    page.goto("/definisi/perencanaan_skp/diff?dari=1&ke=2")
    for side in ("old", "new"):
        marked = page.locator(f"#diff-{side} .djs-element.diff-changed[data-element-id=Event_batas_susun]")
        marked.wait_for(state="attached")
        page.locator(f"#diff-{side} .djs-overlays .diff-badge.diff-changed").first.wait_for()
    assert page.locator("#diff-new .diff-badge.diff-changed").first.get_attribute("title") == "diubah"
    assert "2027-02-15T00:00:00+08:00" in page.locator(".diff-table").inner_text()
    check_accessibility(page)
    screenshot(page, "definitions-diff")
    page.goto("/definisi/siklus_kinerja/diff?dari=1&ke=2")
    page.locator("#diff-new .djs-element").first.wait_for(state="attached")
    assert "Proses yang dipanggil perencanaan_skp" in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "definitions-diff-cycle")


def test_migration_runs_in_chunks_to_the_end(page, live_server):
    live_server.app.config["KINERJA_MIGRATION_CHUNK"] = 25
    version = deploy_plan_v2(live_server.app)
    waiting = plan_instances(live_server.app, 1)
    sign_in(page, "admin")
    page.goto(f"/definisi/siklus_kinerja/migrasi?dari=1&ke={version}")
    check_accessibility(page)
    screenshot(page, "definitions-migration")
    page.locator("#migration-form button[type=submit]").click()
    assert page.locator("#alasan-error").inner_text() == "Tuliskan alasan migrasi."
    check_accessibility(page)
    page.locator("#alasan").fill("Tenggat penyusunan SKP menjadi tanggal tetap")
    page.locator("#migration-form button[type=submit]").click()
    page.get_by_text("Migrasi selesai").wait_for(timeout=60_000)
    assert re.search(rf"{len(waiting)} dipindahkan, 0 tidak dapat dipindahkan, dari {len(waiting)}",
                     page.locator("main").inner_text())
    check_accessibility(page)
    screenshot(page, "definitions-migration-done")
    assert plan_instances(live_server.app, 1) == []


def test_incidents_page(page, live_server):
    incident(live_server.app, key="skp:2027:198807222011012005")
    sign_in(page, "admin")
    page.goto("/definisi/insiden")
    check_accessibility(page)
    screenshot(page, "definitions-incidents")
    page.locator("form[action$='/hentikan'] button[type=submit]").click()
    assert "Tuliskan alasan" in page.locator("main").inner_text()
    page.locator("textarea[name=alasan]").fill("Data uji")
    page.locator("form[action$='/hentikan'] button[type=submit]").click()
    page.get_by_text("telah dihentikan").wait_for()
    check_accessibility(page)


def test_an_uploaded_file_is_drawn_with_its_changes(page, live_server, tmp_path):
    from tests.webui.migration_fixtures import BATAS, NEW_DEADLINE, PLAN
    changed = tmp_path / "perencanaan_skp.bpmn"
    changed.write_bytes(PLAN.replace(BATAS, BATAS.replace(b"${batas_skp}", NEW_DEADLINE)))
    sign_in(page, "admin")
    page.goto("/definisi/perencanaan_skp/diff")
    page.locator("#diff-upload").evaluate("form => form.closest('details').open = true")
    page.locator("#berkas").set_input_files(str(changed))
    page.locator("#diff-upload button[type=submit]").click()
    page.locator("#diff-new .djs-element.diff-changed[data-element-id=Event_batas_susun]").wait_for(state="attached")
    check_accessibility(page)
    screenshot(page, "definitions-diff-upload")
