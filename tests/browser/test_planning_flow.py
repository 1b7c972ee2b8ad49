"""The planning stage in a real browser: draft, return with a note, revise, agree, sign; the diagram follows."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.helpers import check_accessibility, screenshot, sign_in
from tests.webui.plan_fixtures import APPRAISER, EMPLOYEE

NOTE = "Target IKI pertama terlalu rendah: naikkan menjadi 98 persen."


def _open_task(page: Any, title: str) -> None:
    """Open a task from the inbox by (the start of) its title, as a user would."""
    page.goto("/")
    page.get_by_role("link", name=re.compile("^" + re.escape(title))).first.click()
    page.wait_for_load_state()


def _submit(page: Any) -> None:
    with page.expect_navigation():
        page.locator("form.task-form button[name=aksi][value=kirim]").click()


def _diagram_state(page: Any, element_id: str) -> str:
    """Return the state marker bpmn-js drew on a diagram element (completed, active, ...)."""
    element = page.locator(f'.djs-element[data-element-id="{element_id}"]').first
    element.wait_for()
    found = re.search(r"state-(\w+)", element.get_attribute("class") or "")
    return found.group(1) if found else ""


def test_an_skp_is_drafted_returned_revised_agreed_and_the_diagram_moves_on(new_page: Any) -> None:
    employee, appraiser = new_page(), new_page()

    # The employee drafts her SKP: one RHK with an indicator, a second RHK added with the editor's button.
    sign_in(employee, EMPLOYEE)
    _open_task(employee, "Susun SKP")
    check_accessibility(employee)
    employee.fill("[name='skp/rhk/0/uraian']", "Terlaksananya pencatatan akta kelahiran tepat waktu")
    employee.fill("[name='skp/rhk/0/iki/0/uraian']", "Persentase akta terbit dalam 1 hari")
    employee.fill("[name='skp/rhk/0/iki/0/target']", "90")
    employee.fill("[name='skp/rhk/0/iki/0/satuan']", "persen")
    employee.click("[data-plan-add-rhk]")
    employee.fill("[name='skp/rhk/1/uraian']", "Tersusunnya laporan bulanan pencatatan sipil")
    employee.fill("[name='skp/rhk/1/iki/0/uraian']", "Laporan tersusun")
    employee.fill("[name='skp/rhk/1/iki/0/target']", "12")
    screenshot(employee, "flow-skp-draft")
    _submit(employee)
    assert "Tugas selesai" in employee.inner_text("main")

    # The appraiser reads it and returns it with a note.
    sign_in(appraiser, APPRAISER)
    _open_task(appraiser, "Tinjau SKP")
    assert "Terlaksananya pencatatan akta kelahiran tepat waktu" in appraiser.inner_text("main")
    check_accessibility(appraiser)
    appraiser.check("input[name=keputusan_skp][value=kembalikan]")
    appraiser.fill("[name=catatan_skp]", NOTE)
    screenshot(appraiser, "flow-skp-review")
    _submit(appraiser)

    # The employee finds it back, prefilled, with the note; she raises the target and sends it again.
    _open_task(employee, "Susun SKP")
    assert NOTE in employee.inner_text("main")
    assert employee.input_value("[name='skp/rhk/1/uraian']") == "Tersusunnya laporan bulanan pencatatan sipil"
    assert employee.input_value("[name='skp/rhk/0/iki/0/target']") == "90"
    screenshot(employee, "flow-skp-returned")
    employee.fill("[name='skp/rhk/0/iki/0/target']", "98")
    _submit(employee)

    # The appraiser agrees; the employee signs the agreed SKP.
    _open_task(appraiser, "Tinjau SKP")
    appraiser.check("input[name=keputusan_skp][value=setuju]")
    _submit(appraiser)
    _open_task(employee, "Tandatangani SKP")
    assert "98" in employee.inner_text("main")
    employee.locator("form.task-form input[type=checkbox]").first.check()
    _submit(employee)

    # The appraisal page: planning completed, monitoring active, on the employee's own diagram.
    employee.get_by_role("link", name="Penilaian", exact=True).first.click()
    employee.locator("main table a").first.click()
    employee.wait_for_load_state()
    assert _diagram_state(employee, "Activity_perencanaan") == "completed"
    assert _diagram_state(employee, "Activity_pemantauan") == "active"
    check_accessibility(employee)
    screenshot(employee, "flow-appraisal-after-planning")
