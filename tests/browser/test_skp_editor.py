"""The SKP editor in Chromium: rows added and removed with plan.js are renumbered and all reach the server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.webui.plan_fixtures import EMPLOYEE, open_task, task_state
from workflows.models.skp import Rhk
from workflows.organisation.demo_org import demo_password


@pytest.fixture
def base_url(app: Flask) -> Iterator[str]:
    """Serve the test app on a free local port for the browser."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_rows_added_and_removed_in_the_browser_are_all_submitted(app: Flask, base_url: str, browser: Any) -> None:
    task = open_task(app, "Task_susun_skp", EMPLOYEE)
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(f"{base_url}/masuk")
    page.fill("input[name=username]", EMPLOYEE)
    page.fill("input[name=password]", demo_password(EMPLOYEE))
    page.click("form button[type=submit] >> nth=-1")
    page.goto(f"{base_url}/tugas/{task.id}")

    page.fill("[name='skp/rhk/0/uraian']", "RHK yang akan dihapus")
    page.click("[data-plan-add-rhk]")
    page.click("[data-plan-add-rhk]")
    page.click("[data-plan-rhk] >> nth=2 >> [data-plan-add-iki]")
    page.click("[data-plan-remove-rhk] >> nth=0")  # the first row goes: the others move up
    names = page.eval_on_selector_all("[data-plan-rhk-list] [name$='/uraian']", "els => els.map(e => e.name)")
    assert names == ["skp/rhk/0/uraian", "skp/rhk/0/iki/0/uraian",
                     "skp/rhk/1/uraian", "skp/rhk/1/iki/0/uraian", "skp/rhk/1/iki/1/uraian"]
    assert page.inner_text("[data-plan-rhk] >> nth=1 >> [data-plan-rhk-number]") == "2"
    for i, text in enumerate(("Akta kelahiran terbit tepat waktu", "Laporan bulanan tersusun")):
        page.fill(f"[name='skp/rhk/{i}/uraian']", text)
    for field, value in (("0/iki/0", "Akta terbit"), ("1/iki/0", "Laporan"), ("1/iki/1", "Laporan tepat waktu")):
        page.fill(f"[name='skp/rhk/{field}/uraian']", value)
        page.fill(f"[name='skp/rhk/{field}/target']", "12")
    with page.expect_navigation():
        page.click("main button[type=submit]:has-text('Kirim')")
    page.close()
    assert task_state(app, task.id) == "completed"
    from webui.extensions import db
    with app.app_context():
        stored = db.session.execute(select(Rhk).where(Rhk.text.in_(
            ("Akta kelahiran terbit tepat waktu", "Laporan bulanan tersusun", "RHK yang akan dihapus")))
            .order_by(Rhk.id)).scalars().all()
        assert [(r.text, len(r.iki)) for r in stored] == [("Akta kelahiran terbit tepat waktu", 1),
                                                          ("Laporan bulanan tersusun", 2)]
