"""Smoke tests in chromium: sign-in, the inbox, an SKP task page and the language switch, each checked by axe."""

from __future__ import annotations

from typing import Any

from workflows.organisation.demo_org import EMPLOYEES

from .helpers import check_accessibility, screenshot, sign_in

#: Yuliana Putri, an operator of Seksi Identitas Penduduk: her SKP is to be drafted at the demo's T0.
EMPLOYEE = next(nip for nip, _, _, position, _ in EMPLOYEES if position == "IDENTITAS-OPR")


def test_sign_in_page_is_accessible_and_refuses_a_wrong_password_in_indonesian(page: Any) -> None:
    page.goto("/")
    assert "/masuk" in page.url
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", level=1).inner_text() == "Masuk ke Kinerja"
    check_accessibility(page)
    screenshot(page, "sign-in")

    sign_in(page, EMPLOYEE, password="kinerja-salah")
    assert "/masuk" in page.url
    alert = page.get_by_role("alert")
    assert "NIP atau kata sandi salah" in alert.inner_text()
    assert page.locator("#username").input_value() == EMPLOYEE  # the NIP stays, the password does not
    assert page.locator("#password").input_value() == ""
    check_accessibility(page)
    screenshot(page, "sign-in-refused")


def test_an_employee_finds_the_skp_task_in_the_inbox_and_opens_it(page: Any) -> None:
    sign_in(page, EMPLOYEE)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kotak Masuk")
    task_link = page.get_by_role("link", name="Susun SKP")
    assert task_link.count() == 1
    check_accessibility(page)
    screenshot(page, "inbox-employee")

    task_link.click()
    page.wait_for_url("**/tugas/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Susun SKP")
    assert page.get_by_role("button", name="Kirim").count() >= 1
    check_accessibility(page)
    screenshot(page, "task-skp")


def test_an_empty_inbox_says_what_happens_next(page: Any) -> None:
    sign_in(page, "inspektorat")
    assert page.get_by_role("link", name="Susun SKP").count() == 0
    assert "Anda tidak memiliki tugas terbuka." in page.locator("main").inner_text()
    check_accessibility(page)
    screenshot(page, "inbox-empty")


def test_the_language_switch_turns_the_pages_to_english_and_back(page: Any) -> None:
    sign_in(page, EMPLOYEE)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Inbox")
    check_accessibility(page)
    screenshot(page, "inbox-english")

    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kotak Masuk")


def test_the_phone_menu_opens_with_bootstrap_script(page: Any) -> None:
    sign_in(page, EMPLOYEE)
    page.set_viewport_size({"width": 390, "height": 844})
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not page.get_by_role("button", name="Keluar").is_visible()
    toggler.click()
    assert toggler.get_attribute("aria-expanded") == "true"
    # Bootstrap's collapse animates the menu into place: click the account's menu once it stands still
    # (under load a click during the animation can land beside it).
    page.locator(".navbar-collapse.show").wait_for()
    # The account's menu (Bootstrap's dropdown script) holds the sign-out button.
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Keluar").wait_for(state="visible")
    check_accessibility(page)
    screenshot(page, "phone-menu")


def test_the_keyboard_reaches_the_content_through_the_skip_link(page: Any) -> None:
    sign_in(page, EMPLOYEE)
    skip = page.get_by_role("link", name="Langsung ke isi")
    assert skip.bounding_box()["width"] <= 1  # hidden until focused
    page.keyboard.press("Tab")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.bounding_box()["width"] > 20
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")


def test_a_colleague_who_opens_the_employees_task_url_gets_the_not_found_page(page: Any) -> None:
    sign_in(page, EMPLOYEE)
    task_url = page.get_by_role("link", name="Susun SKP").get_attribute("href")
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/masuk")
    assert page.get_by_role("status").inner_text().strip() == "Anda telah keluar."

    colleague = next(nip for nip, _, _, position, _ in EMPLOYEES if position == "IDENTITAS-OPR" and nip != EMPLOYEE)
    sign_in(page, colleague)
    response = page.goto(task_url)
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Halaman tidak ditemukan"
    assert "Yuliana" not in page.content()
    check_accessibility(page)
    screenshot(page, "not-found")


def test_two_people_signed_in_at_once_each_see_only_their_own_skp(new_page: Any) -> None:
    colleague = next(nip for nip, _, _, position, _ in EMPLOYEES if position == "IDENTITAS-OPR" and nip != EMPLOYEE)
    hers, theirs = new_page(), new_page()
    sign_in(hers, EMPLOYEE)
    sign_in(theirs, colleague)
    hers.reload()
    assert EMPLOYEE in hers.get_by_role("link", name="Susun SKP").inner_text()
    assert colleague not in hers.locator("main").inner_text()
    assert colleague in theirs.get_by_role("link", name="Susun SKP").inner_text()
    assert EMPLOYEE not in theirs.locator("main").inner_text()
