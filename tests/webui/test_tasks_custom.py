"""The contract of custom form editors and panels (webui/tasks/registry.py) as the task page keeps it.

A stand-in editor for `skp_editor` receives `task`, `values` (the refused submission or the draft), the
engine's error paths and its context; its parser makes the submission; a panel gets `panel_context`.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select

from engine.models import HumanTask
from webui.tasks import registry
from workflows.organisation.demo_org import EMPLOYEES

NIP = EMPLOYEES[-1][0]
EDITOR = """<div id="editor" data-task="{{ task.id }}">context={{ unit_name }}</div>
<label for="uraian">Uraian</label>
<input id="uraian" name="uraian" value="{{ values.get('skp', {}).get('rhk', [{}])[0].get('uraian', '') }}">
{% for message in errors.get('skp/rhk/0/uraian', []) %}<p class="editor-error">{{ message }}</p>{% endfor %}"""
PANEL = """<section id="panel">panel={{ panel_context.shown }}</section>"""


def _parse(posted: Any) -> dict[str, Any]:
    return {"skp": {"rhk": [{"uraian": posted.get("uraian", "")}]}}


@pytest.fixture
def editor(app, monkeypatch):
    """Register the stand-in editor and panel for this test only (the real ones come back afterwards)."""
    app.jinja_env.loader = ChoiceLoader([DictLoader({"test/editor.html": EDITOR, "test/panel.html": PANEL}),
                                         app.jinja_env.loader])
    seen: list[tuple[int, str]] = []

    def context(session, task, user):
        seen.append((task.id, user.username))
        return {"unit_name": "Bagian Organisasi"}

    monkeypatch.setitem(registry.FORMS, "skp_editor",
                        registry.CustomForm("skp_editor", "test/editor.html", context, _parse))
    monkeypatch.setattr(registry, "PANELS", [registry.Panel(
        "test", "test/panel.html", lambda session, task, user: {"shown": f"for {task.bpmn_id}"},
        lambda process_id, bpmn_id, key: key == "skp_editor")])
    from webui.extensions import db
    with app.app_context():
        task_id = db.session.execute(select(HumanTask.id).where(
            HumanTask.assignee == NIP, HumanTask.state == "open")).scalar_one()
    return task_id, seen


def test_the_editor_and_panel_are_included_with_their_context(editor, as_user):
    task_id, seen = editor
    page = html.unescape(as_user(NIP).get(f"/tugas/{task_id}").get_data(as_text=True))
    assert f'<div id="editor" data-task="{task_id}">context=Bagian Organisasi</div>' in page
    assert '<section id="panel">panel=for Task_susun_skp</section>' in page
    assert page.index('id="panel"') < page.index('class="task-form"') < page.index('id="editor"')
    assert seen == [(task_id, NIP)]
    assert "Kirim</button>" in page and "Simpan draf</button>" in page


def test_a_refused_custom_submission_comes_back_with_the_values_and_the_error_paths(editor, as_user):
    task_id, _ = editor
    response = as_user(NIP).post_form(f"/tugas/{task_id}", {"uraian": "  ", "aksi": "kirim"})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert '<p class="editor-error">Isian ini wajib diisi.</p>' in page
    assert 'name="uraian" value="  "' in page


def test_a_custom_draft_is_parsed_by_the_editor_and_given_back_as_values(editor, as_user):
    task_id, _ = editor
    browser = as_user(NIP)
    assert browser.post_form(f"/tugas/{task_id}", {"uraian": "Tersusunnya SOP", "aksi": "draf"}).status_code == 303
    page = html.unescape(browser.get(f"/tugas/{task_id}").get_data(as_text=True))
    assert 'name="uraian" value="Tersusunnya SOP"' in page and "Diisi dari draf Anda" in page


MIXED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_bagian" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="contoh_bagian" name="Contoh bagian khusus" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_nilai" name="Nilai" camunda:assignee="${pegawai}" camunda:formKey="contoh_bagian">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="keputusan" label="Keputusan" type="enum">
            <camunda:validation><camunda:constraint name="required" /></camunda:validation>
            <camunda:value id="setuju" name="Setuju" /><camunda:value id="tolak" name="Tolak" />
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_nilai" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_nilai" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""
PART = """<label for="bagian">Bagian</label>
<input id="bagian" name="bagian" value="{{ values.get('bagian', {}).get('teks', '') }}">
{% for message in errors.get('bagian/teks', []) %}<p class="part-error">{{ message }}</p>{% endfor %}"""


def test_a_custom_part_beside_generated_fields_gets_both_shown_and_sent(app, as_user, monkeypatch):
    from engine.definitions import specs
    from engine.forms import custom as custom_forms
    from engine.models import AuditEvent
    from engine.runtime.lifecycle import instances
    from webui.extensions import db

    monkeypatch.setitem(custom_forms._REGISTRY, "contoh_bagian", None)  # so that it is removed afterwards
    custom_forms.register("contoh_bagian", {"type": "object", "properties": {"bagian": {
        "type": "object", "required": ["teks"], "properties": {"teks": {"type": "string", "minLength": 1}}}}})
    app.jinja_env.loader = ChoiceLoader([DictLoader({"test/part.html": PART}), app.jinja_env.loader])
    monkeypatch.setitem(registry.FORMS, "contoh_bagian", registry.CustomForm(
        "contoh_bagian", "test/part.html", lambda session, task, user: {},
        lambda posted: {"bagian": {"teks": posted.get("bagian", "")}}))
    with app.app_context():
        specs.deploy(db.session, {"contoh_bagian.bpmn": MIXED.encode()}, "admin")
        version = specs.require_latest(db.session, "contoh_bagian")
        instance = instances.start(db.session, version, {"pegawai": NIP}, "bagian-1", "admin")
        db.session.commit()
        task_id = db.session.execute(select(HumanTask.id).where(
            HumanTask.instance_id == instance.id)).scalar_one()
    browser = as_user(NIP)
    page = html.unescape(browser.get(f"/tugas/{task_id}").get_data(as_text=True))
    assert page.count('type="radio"') == 2 and 'name="bagian"' in page
    refused = browser.post_form(f"/tugas/{task_id}", {"bagian": "", "aksi": "kirim"})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and 'id="e-keputusan">Isian ini wajib diisi.' in page
    assert '<p class="part-error">' in page
    done = browser.post_form(f"/tugas/{task_id}", {"keputusan": "setuju", "bagian": "Baik sekali", "aksi": "kirim"})
    assert done.status_code == 303
    with app.app_context():
        [data] = db.session.execute(select(AuditEvent.data).where(
            AuditEvent.human_task_id == task_id, AuditEvent.event_type == "task_completed")).scalars()
    assert '"bagian":{"teks":"Baik sekali"}' in data and '"keputusan":"setuju"' in data
