"""Take the README's screenshots from a running `make run`: python docs/screenshots/take.py [http://127.0.0.1:5000]."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from workflows.organisation.demo_org import EMPLOYEES, demo_password

HERE = Path(__file__).resolve().parent
EMPLOYEE = next(nip for nip, _, _, position, _ in EMPLOYEES if position == "IDENTITAS-OPR")


def main(base: str) -> None:
    """Sign in as the demo employee; save her inbox and her SKP task page (1100x560, a few dozen KB each)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get("KINERJA_CHROMIUM", "/usr/bin/chromium"),
                                             headless=True)
        page = browser.new_context(base_url=base, viewport={"width": 1100, "height": 560}).new_page()
        page.goto("/masuk")
        page.fill("#username", EMPLOYEE)
        page.fill("#password", demo_password(EMPLOYEE))
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        if page.url.endswith("/kata-sandi"):  # a demo password is changed at the first sign-in
            page.fill("#current_password", demo_password(EMPLOYEE))
            page.fill("#new_password", "Samarinda-Tepian-2027")
            page.fill("#confirm_password", "Samarinda-Tepian-2027")
            page.click("main form button[type=submit]")
        page.wait_for_url(base.rstrip("/") + "/")
        page.goto("/")  # without the sign-in's flash message
        page.screenshot(path=str(HERE / "inbox.png"))
        page.get_by_role("link", name="Susun SKP").click()
        page.wait_for_url("**/tugas/**")
        page.set_viewport_size({"width": 1100, "height": 900})
        page.locator("[name='skp/rhk/0/uraian']").scroll_into_view_if_needed()
        page.screenshot(path=str(HERE / "task.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000")
