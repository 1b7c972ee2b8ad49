"""The HR dashboard: who sees it and over which OPDs, where each employee's year stands, what is overdue."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from engine.clock import clock
from engine.models import HumanTask, Instance
from tests.demo_city import T0
from tests.webui.appraisal_fixtures import AGUS, MAYA
from tests.webui.plan_fixtures import agree_skp
from webui.extensions import db
from workflows.oversight import dashboard

YEAR = 2027


def cycles_of_year(app: Flask) -> int:
    """Return how many employee cycles the demo year has."""
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Instance).where(
            Instance.process_id == "siklus_kinerja", Instance.business_key.startswith(f"skp:{YEAR}:"))).scalar_one()


@pytest.mark.parametrize("path", ["/dasbor/", "/dasbor/hambatan", "/dasbor/opd/DISDUKCAPIL",
                                  f"/dasbor/ekspor/kemajuan-{YEAR}.xlsx", f"/dasbor/ekspor/opd-DISDUKCAPIL-{YEAR}.xlsx",
                                  f"/dasbor/ekspor/tpp.xlsx?tahun={YEAR}&periode=Januari"])
def test_an_employee_finds_no_dashboard(as_user, path: str) -> None:
    response = as_user(MAYA).get(path)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Agus Salim" not in text and "dash-chart" not in text and not response.data.startswith(b"PK")


def test_at_the_start_of_the_year_everyone_is_in_planning(app: Flask, as_user) -> None:
    total = cycles_of_year(app)
    with app.app_context():
        rows = dashboard.progress(db.session, YEAR)
    assert len(rows) == total > 60
    assert {r.stage for r in rows} == {"perencanaan"}
    page = as_user("bkpsdm").get(f"/dasbor/?tahun={YEAR}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"{total} pegawai, 0 terlambat" in text
    assert "Dinas Kependudukan dan Pencatatan Sipil" in text and "Badan Kepegawaian" in text
    assert '<svg class="dash-chart"' in text and "Perencanaan" in text


def test_an_agreed_skp_moves_its_employee_to_monitoring(app: Flask, as_user) -> None:
    agree_skp(app, MAYA, AGUS)
    with app.app_context():
        stages = {r.nip: r.stage for r in dashboard.progress(db.session, YEAR)}
    assert stages[MAYA] == "pemantauan"
    assert sum(1 for s in stages.values() if s == "perencanaan") == len(stages) - 1
    page = as_user("pengelola.disdukcapil").get(f"/dasbor/opd/DISDUKCAPIL?tahun={YEAR}&tahap=pemantauan")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Maya Sari" in text
    assert "Pemantauan (1)" in text


def test_a_scoped_pengelola_sees_only_their_opd(app: Flask, as_user) -> None:
    browser = as_user("pengelola.disdukcapil")
    text = browser.get(f"/dasbor/?tahun={YEAR}").get_data(as_text=True)
    assert "Dinas Kependudukan dan Pencatatan Sipil" in text
    assert "Badan Kepegawaian" not in text
    for path in (f"/dasbor/opd/BKPSDM?tahun={YEAR}", f"/dasbor/ekspor/opd-BKPSDM-{YEAR}.xlsx",
                 f"/dasbor/ekspor/terlambat-BKPSDM-{YEAR}.xlsx"):
        assert browser.get(path).status_code == 404, path
    book = load_workbook(BytesIO(browser.get(f"/dasbor/ekspor/kemajuan-{YEAR}.xlsx").data))
    codes = [row[0] for row in book.active.iter_rows(min_row=4, values_only=True)]
    assert codes == ["DISDUKCAPIL"]


@pytest.mark.parametrize("username", ["bkpsdm", "admin", "inspektorat"])
def test_city_wide_overseers_open_any_opd(as_user, username: str) -> None:
    browser = as_user(username)
    assert browser.get(f"/dasbor/opd/BKPSDM?tahun={YEAR}").status_code == 200
    assert browser.get(f"/dasbor/opd/DISDUKCAPIL?tahun={YEAR}").status_code == 200
    for path in ("/dasbor/opd/TIDAK-ADA", "/dasbor/opd/BKPSDM-PKP", f"/dasbor/ekspor/opd-TIDAK-ADA-{YEAR}.xlsx",
                 f"/dasbor/ekspor/terlambat-TIDAK-ADA-{YEAR}.xlsx"):
        assert browser.get(path).status_code == 404, path  # not an OPD (a bidang inside one, or nothing)


def test_overdue_once_the_skp_deadline_has_passed(app: Flask, as_user) -> None:
    with app.app_context():
        due = db.session.execute(select(func.min(HumanTask.due_at)).where(
            HumanTask.state == "open", HumanTask.bpmn_id == "Task_susun_skp")).scalar_one()
    assert due is not None
    clock.set(due + timedelta(days=2))
    with app.app_context():
        rows = dashboard.progress(db.session, YEAR, "DISDUKCAPIL")
        late_tasks = db.session.execute(select(func.count(func.distinct(HumanTask.instance_id))).where(
            HumanTask.state == "open", HumanTask.due_at < clock.now(),
            HumanTask.instance_id.in_([r.instance_id for r in rows]))).scalar_one()
    assert late_tasks > 0 and sum(r.overdue for r in rows) == late_tasks
    text = as_user("pengelola.disdukcapil").get(f"/dasbor/opd/DISDUKCAPIL?tahun={YEAR}").get_data(as_text=True)
    assert f"Terlambat ({late_tasks})" in text or "terlambat" in text


def test_the_progress_table_downloads_as_xlsx_with_every_opd(app: Flask, as_user) -> None:
    response = as_user("bkpsdm").get(f"/dasbor/ekspor/kemajuan-{YEAR}.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet") and response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(BytesIO(response.data)).active
    assert "2027" in sheet["A1"].value
    headers = [c.value for c in sheet[3]]
    assert headers[:3] == ["Kode OPD", "OPD", "Perencanaan"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert sum(row[headers.index("Jumlah")] for row in rows) == cycles_of_year(app)


def test_the_opd_list_downloads_with_its_people(as_user) -> None:
    response = as_user("pengelola.disdukcapil").get(f"/dasbor/ekspor/opd-DISDUKCAPIL-{YEAR}.xlsx")
    sheet = load_workbook(BytesIO(response.data)).active
    nips = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert MAYA in nips and len(nips) == len(set(nips)) > 3


def test_the_tpp_export_lists_the_period_and_refuses_an_unknown_one(as_user) -> None:
    browser = as_user("bkpsdm")
    sheet = load_workbook(BytesIO(browser.get(f"/dasbor/ekspor/tpp.xlsx?tahun={YEAR}&periode=Januari").data)).active
    assert [c.value for c in sheet[3]][:2] == ["NIP", "Nama"]
    assert any(row[0] == MAYA for row in sheet.iter_rows(min_row=4, values_only=True))
    assert browser.get(f"/dasbor/ekspor/tpp.xlsx?tahun={YEAR}&periode=Bulan-13").status_code == 400


def _count_statements(app: Flask, opd: str | None) -> int:
    with app.app_context():
        seen: list[str] = []

        def count(*args: object) -> None:
            seen.append(str(args[2]))

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            tree = dashboard.UnitTree.load(db.session)
            rows = dashboard.progress(db.session, YEAR, opd, tree)
            dashboard.curves(db.session, YEAR, rows, tree)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)


def test_the_progress_page_costs_the_same_statements_for_one_opd_and_the_city(app: Flask) -> None:
    small, city = _count_statements(app, "DISDUKCAPIL"), _count_statements(app, None)
    assert small == city <= 12


def test_stage_labels_cover_every_stage() -> None:
    from webui.dashboard.labels import STAGE_LABELS
    assert set(STAGE_LABELS) == set(dashboard.STAGES)
    assert isinstance(T0, datetime)


def test_the_oldest_tasks_and_the_curve_download_for_the_scope(as_user) -> None:
    browser = as_user("pengelola.disdukcapil")
    sheet = load_workbook(BytesIO(browser.get(f"/dasbor/ekspor/tugas-terlama-{YEAR}.xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows and {row[2] for row in rows} == {"DISDUKCAPIL"}
    sheet = load_workbook(BytesIO(browser.get(f"/dasbor/ekspor/kurva-{YEAR}.xlsx").data)).active
    units = {row[0] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert units == {"Dinas Kependudukan dan Pencatatan Sipil"}


def test_the_dashboard_offers_every_period_for_the_tpp_export(as_user) -> None:
    text = as_user("bkpsdm").get(f"/dasbor/?tahun={YEAR}").get_data(as_text=True)
    assert 'action="/dasbor/ekspor/tpp.xlsx"' in text and '<option value="Triwulan I">' in text
