"""Generated fields as the page shows them: the widget per type, help text, read-only values, `required_if`."""

from __future__ import annotations

import html
import re

import pytest
from flask import render_template_string
from sqlalchemy import select

from engine.models import HumanTask
from webui.tasks.generated import field_views
from webui.tasks.people import group_name


def _spec(fid: str, kind: str = "string", **extra):
    spec = {"id": fid, "label": fid.title(), "type": kind, "default": None, "required": False, "readonly": False,
            "constraints": {}, "required_if": None, "options": [], "properties": {}, "value": None}
    spec.update(extra)
    return spec


CHOICES = [{"id": f"c{i}", "name": f"Pilihan {i}"} for i in range(6)]
FORM = {"key": None, "fields": [
    _spec("keputusan", "enum", required=True, options=CHOICES[:2]),
    _spec("alasan", required_if={"field": "keputusan", "value": "c1"}, constraints={"maxlength": 4000},
          properties={"description": "Tuliskan alasan bila mengembalikan.", "placeholder": "Alasan..."}),
    _spec("kategori", "enum", options=CHOICES),
    _spec("batas", "date", readonly=True, value="2027-01-31"),
    _spec("setuju", "boolean", readonly=True, value=True),
    _spec("singkat", constraints={"maxlength": 50}),
]}


@pytest.fixture
def page_context(app):
    """A request of the app (Indonesian), as a page renders in."""
    with app.test_request_context("/"):
        yield


def _render(views, errors=None) -> str:
    return html.unescape(render_template_string(
        '{% from "tasks/_fields.html" import field %}{% for f in views %}{{ field(f, errors) }}{% endfor %}',
        views=views, errors=errors or {}))


def test_each_field_gets_the_widget_of_its_kind(page_context):
    widgets = {view.id: view.widget for view in field_views(FORM, {})}
    assert widgets == {"keputusan": "radio", "alasan": "textarea", "kategori": "select", "batas": "static",
                       "setuju": "static", "singkat": "text"}


def test_help_text_placeholder_and_required_if_reach_the_page(page_context):
    page = _render(field_views(FORM, {}), {"alasan": ["Isian ini wajib diisi."]})
    textarea = re.search(r"<textarea[^>]*>", page).group(0)
    assert 'data-required-if="keputusan" data-required-value="c1"' in textarea
    assert 'placeholder="Alasan..."' in textarea and 'maxlength="4000"' in textarea
    assert 'aria-describedby="h-alasan e-alasan"' in textarea and 'aria-invalid="true"' in textarea
    assert '<div class="form-text" id="h-alasan">Tuliskan alasan bila mengembalikan.</div>' in page
    # The required mark of a required_if field is hidden until its condition holds (tasks.js shows it).
    assert re.search(r'for="f-alasan">Alasan <span class="text-danger required-mark d-none"', page)
    assert '<legend class="form-label fs-6 mb-1">Keputusan <span class="text-danger required-mark"' in page
    assert page.count('type="radio"') == 2 and page.count("<option") == 7


def test_read_only_fields_are_shown_as_values_in_words(page_context):
    shown = {view.id: view.shown for view in field_views(FORM, {"kategori": "c3"}, shown_only=True)}
    assert shown["batas"] == "31 Januari 2027" and shown["setuju"] == "Ya" and shown["kategori"] == "Pilihan 3"
    assert shown["keputusan"] == "—"


def test_a_submitted_read_only_value_is_never_shown_as_the_user_s(page_context):
    [view] = [v for v in field_views(FORM, {"batas": "2030-01-01"}) if v.id == "batas"]
    assert view.value == "2027-01-31"


def test_groups_read_as_the_roles_users_know(page_context):
    assert group_name("pengelola_kinerja:BKPSDM") == "Pengelola Kinerja BKPSDM"
    assert group_name("wali_kota") == "Wali Kota" and group_name("operators") == "Operator"


def test_a_group_task_of_the_demo_names_its_group_and_is_taken_by_a_member(app, as_user):
    from webui.extensions import db
    with app.app_context():
        task_id = db.session.execute(select(HumanTask.id).where(
            HumanTask.bpmn_id == "Task_tetapkan_capaian").order_by(HumanTask.id).limit(1)).scalar_one()
    walikota = as_user("walikota")
    page = html.unescape(walikota.get(f"/tugas/{task_id}").get_data(as_text=True))
    assert "Tugas ini juga dapat diambil oleh: Wali Kota" in page and "Ambil tugas" in page
    assert page.count('type="radio"') == 5 and re.search(r'<textarea[^>]*name="dasar_capaian"', page)
    response = walikota.post_form(f"/tugas/{task_id}/ambil", token_page=f"/tugas/{task_id}")
    assert response.status_code == 303
    page = html.unescape(walikota.get(f"/tugas/{task_id}").get_data(as_text=True))
    assert "Lepas tugas" in page and "<fieldset disabled" not in page
    assert as_user("pengelola.bkpsdm").get(f"/tugas/{task_id}").status_code == 404
