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
from workflows.demo_org import EMPLOYEES

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
