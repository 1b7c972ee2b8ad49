"""The task page in headless Chromium: the izin_pelatihan form end to end, a double click, `required_if`.

Skipped where Debian's chromium is not installed (the set-up and CI scripts install it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from engine.definitions import specs
from engine.models import HumanTask
from engine.runtime.lifecycle import instances
from tests.browser.helpers import check_accessibility, screenshot
from tests.webui.tasks_fixtures import PEGAWAI, PENILAI
from tests.webui.tasks_fixtures import training as training  # the fixture, requested by name
from workflows.organisation.demo_org import demo_password

#: A form whose note is required only when the decision is to return (as *Tinjau SKP* in bpmn/).
RETURN_FORM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_kembali" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="contoh_kembali" name="Contoh pengembalian" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_putuskan" name="Putuskan" camunda:assignee="${pegawai}">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="keputusan" label="Keputusan" type="enum">
            <camunda:validation><camunda:constraint name="required" /></camunda:validation>
            <camunda:value id="setuju" name="Setuju" /><camunda:value id="kembalikan" name="Kembalikan" />
          </camunda:formField>
          <camunda:formField id="catatan" label="Catatan" type="string">
            <camunda:validation>
              <camunda:constraint name="required_if" config="keputusan=kembalikan" />
            </camunda:validation>
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_putuskan" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_putuskan" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def server(app) -> Iterator[str]:
    """Serve the test app on a free local port; yield its base URL."""
    served = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.server_port}"
    served.shutdown()


def _signed_in(browser, base: str, username: str, password: str):
    page = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{base}/masuk")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def test_the_training_request_is_filled_in_a_browser_and_reaches_the_appraiser(training, server, browser):
    started = training()
    [ajukan] = started.tasks()
    page = _signed_in(browser, server, PEGAWAI, "kinerja-2006")
    page.goto(f"{server}/tugas/{ajukan.id}")
    assert page.is_disabled("#f-nama_pelatihan")
    page.click("text=Ambil tugas")
    page.fill("#f-nama_pelatihan", "Dik")
    page.click("button[value=kirim]")
    assert page.inner_text("#e-nama_pelatihan") == "Teks ini terlalu pendek."
    check_accessibility(page)
    screenshot(page, "generated-form-refused")
    page.fill("#f-nama_pelatihan", "Pelatihan Analis Kebijakan")
    page.check("#f-jenis-2")
    page.fill("#f-tanggal_mulai", "2027-02-10")
    page.dblclick("button[value=kirim]")  # an impatient double click completes the task once, without an error
    page.wait_for_url(f"{server}/")
    assert "Tugas selesai." in page.inner_text("main") and "sudah diselesaikan" not in page.inner_text("main")
    assert len(started.events("task_completed")) == 1
    [tinjau] = started.tasks()
    assert tinjau.assignee == PENILAI
    approver = _signed_in(browser, server, PENILAI, demo_password(PENILAI))
    approver.goto(f"{server}/tugas/{tinjau.id}")
    assert "Tinjau pengajuan" in approver.inner_text("main") and "kepemimpinan" in approver.inner_text("main")
    check_accessibility(approver)
    screenshot(approver, "generated-form-approval")


def test_a_required_if_field_shows_its_mark_when_its_condition_holds(app, server, browser):
    from webui.extensions import db
    with app.app_context():
        specs.deploy(db.session, {"contoh_kembali.bpmn": RETURN_FORM.encode()}, "admin")
        version = specs.require_latest(db.session, "contoh_kembali")
        instance = instances.start(db.session, version, {"pegawai": PEGAWAI}, "kembali-1", "admin")
        db.session.commit()
        task_id = db.session.execute(select(HumanTask.id).where(HumanTask.instance_id == instance.id)).scalar_one()
    page = _signed_in(browser, server, PEGAWAI, "kinerja-2006")
    page.goto(f"{server}/tugas/{task_id}")
    mark = page.locator("label[for=f-catatan] .required-mark")
    assert not mark.is_visible() and page.get_attribute("#f-catatan", "aria-required") == "false"
    page.check("#f-keputusan-2")
    assert mark.is_visible() and page.get_attribute("#f-catatan", "aria-required") == "true"
    page.click("button[value=kirim]")  # the server judges the same rule
    assert page.inner_text("#e-catatan") == "Isian ini wajib diisi."
    page.check("#f-keputusan-1")
    assert not mark.is_visible()
