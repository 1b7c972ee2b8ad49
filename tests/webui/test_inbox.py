"""The inbox page: tabs, the Plt/Plh tab, counts, filters, urgency order, paging and empty states."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from engine.clock import clock
from engine.models import HumanTask
from tests.webui.inbox_fixtures import KASI_NIP, PLT_NIP, STAFF_NIP, give_tasks, open_task, submit_skp
from workflows.models.org import Unit


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def rows_of(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r'href="/tugas/(\d+)"', body)


def test_an_employee_sees_their_own_skp_task_with_stage_unit_and_due_date(as_user, app):
    page = text_of(as_user(STAFF_NIP).get("/"))
    task_id = open_task(app, STAFF_NIP, "Task_susun_skp")
    assert rows_of(page) == [str(task_id)]
    assert "Susun SKP — Maya Sari, S.Sos. (199201252017082002) — 2027" in page
    assert "Perencanaan SKP" in page and "Seksi Kelahiran dan Kematian" in page
    assert "31 Jan 2027" in page
    assert "Terlambat" not in page
    # Nobody else's task: the Kasi's own SKP task is not listed.
    assert str(open_task(app, KASI_NIP, "Task_susun_skp")) not in rows_of(page)


def test_the_group_tab_lists_unclaimed_group_tasks_and_links_to_the_task_page(as_user):
    walikota = as_user("walikota")
    mine = text_of(walikota.get("/"))
    assert rows_of(mine) == []
    assert "Anda tidak memiliki tugas terbuka." in mine
    group = text_of(walikota.get("/?tab=kelompok"))
    assert len(rows_of(group)) == 6  # one calibration per calibration unit, offered to the Wali Kota group
    assert group.count("Belum diambil") == 6
    assert "Kalibrasi" in group and "Tetapkan capaian kinerja unit — Dinas Kependudukan" in group
    # The tab counts: 0 of my own, 6 of the group.
    assert re.search(r"Tugas saya <span[^>]*>0</span>", mine)
    assert re.search(r"Tugas kelompok <span[^>]*>6</span>", mine)


def test_a_task_received_as_plt_is_in_the_on_behalf_tab_with_the_position(as_user, app):
    submit_skp(app, KASI_NIP)
    review = open_task(app, KASI_NIP, "Task_tinjau_skp")
    plt = as_user(PLT_NIP)
    acting = text_of(plt.get("/?tab=atas-nama"))
    assert rows_of(acting) == [str(review)]
    assert '<span class="badge text-bg-info">Plt</span> atas nama Kepala Bidang Pelayanan Pencatatan Sipil' in acting
    assert re.search(r"Atas nama <span[^>]*>1</span>", acting)
    mine = text_of(plt.get("/"))
    assert str(review) not in rows_of(mine)  # her own tasks only
    assert rows_of(mine) == [str(open_task(app, PLT_NIP, "Task_susun_skp"))]
    # The Kasi no longer has the task he submitted.
    assert str(review) not in rows_of(text_of(as_user(KASI_NIP).get("/")))


def test_the_on_behalf_tab_says_what_it_is_for_when_empty(as_user):
    page = text_of(as_user(STAFF_NIP).get("/?tab=atas-nama"))
    assert rows_of(page) == []
    assert "Tidak ada tugas yang datang kepada Anda sebagai Plt atau Plh." in page


def test_overdue_tasks_come_first_said_in_words_and_counted(as_user, app):
    ids = give_tasks(app, STAFF_NIP, 4, first_due=datetime(2027, 1, 3, tzinfo=UTC))  # due 3, 4, 5, 6 Jan
    from webui.extensions import db
    with app.app_context():  # one without a deadline goes last
        db.session.get(HumanTask, ids[0]).due_at = None
        db.session.commit()
    clock.set(datetime(2027, 1, 5, 12, 0, tzinfo=UTC))
    page = text_of(as_user(STAFF_NIP).get("/"))
    own = str(open_task(app, STAFF_NIP, "Task_susun_skp"))
    assert rows_of(page) == [str(ids[1]), str(ids[2]), str(ids[3]), own, str(ids[0])]
    assert page.count('<span class="badge text-bg-danger">Terlambat</span>') == 2
    assert "2 terlambat" in page
    assert "tanpa tenggat" in page


def test_filters_by_year_unit_with_its_sub_units_and_stage(as_user, app):
    walikota = as_user("walikota")
    from webui.extensions import db
    with app.app_context():
        dukcapil = db.session.execute(select(Unit.id).where(Unit.code == "DISDUKCAPIL")).scalar_one()
    assert len(rows_of(text_of(walikota.get(f"/?tab=kelompok&unit={dukcapil}")))) == 1
    assert len(rows_of(text_of(walikota.get("/?tab=kelompok&tahun=2027&tahap=kalibrasi_unit")))) == 6
    none = text_of(walikota.get("/?tab=kelompok&tahun=2026"))
    assert rows_of(none) == []
    assert "Tidak ada tugas yang cocok dengan filter ini." in none
    # A unit filter takes in the units below it: the Dukcapil SKP tasks given to one person.
    give_tasks(app, "walikota", 73)
    mine = text_of(walikota.get(f"/?unit={dukcapil}"))
    with app.app_context():
        expected = db.session.execute(select(func.count()).select_from(HumanTask).where(
            HumanTask.assignee == "walikota", HumanTask.name.like("%— 2027"),
            HumanTask.process_id == "perencanaan_skp")).scalar_one()
    found = rows_of(mine)
    assert 3 < len(found) < expected
    listed = mine.split("<tbody>", 1)[1]
    assert "Seksi Kelahiran dan Kematian" in listed and "Pekerjaan Umum" not in listed
    assert len(rows_of(text_of(walikota.get("/?tahap=penilaian_kinerja")))) == 0


def test_the_list_is_paged_by_the_page_size_setting(as_user, app, make_app, demo_url):
    small = make_app(demo_url, INBOX_PAGE_SIZE=5)
    give_tasks(small, "walikota", 12)
    small.test_client_class = type(as_user("walikota"))
    browser = small.test_client()
    browser.sign_in("walikota")
    first, third = text_of(browser.get("/")), text_of(browser.get("/?halaman=3"))
    assert len(rows_of(first)) == 5 and len(rows_of(third)) == 2
    assert "12 tugas, paling mendesak lebih dulu." in first
    assert 'href="/?halaman=2&amp;tab=saya"' in first or 'href="/?tab=saya&amp;halaman=2"' in first
    assert not set(rows_of(first)) & set(rows_of(third))
    gone = browser.get("/?halaman=9")  # past the end: the last page
    assert gone.status_code == 302 and "halaman=3" in gone.headers["Location"]


def test_the_inbox_needs_a_signed_in_user(client):
    response = client.get("/")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_english_is_available(as_user):
    browser = as_user(STAFF_NIP)
    browser.post_form("/bahasa/en", {"next": "/"}, token_page="/")
    page = text_of(browser.get("/?tab=atas-nama"))
    assert "On behalf of" in page and "No task came to you as Plt or Plh." in page
