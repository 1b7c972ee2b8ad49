"""Notifications in the app: made with new tasks, reminders and escalations; the badge; the list; marking read."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from engine.clock import clock
from engine.models import Notification
from tests.webui.inbox_fixtures import KASI_NIP, PLT_NIP, STAFF_NIP, open_task, submit_skp


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def badge(page: str) -> int:
    found = re.search(r'Pemberitahuan <span class="badge[^"]*">(\d+)', page)
    return int(found.group(1)) if found else 0


def notices_of(app, recipient: str) -> list[Notification]:
    from webui.extensions import db
    with app.app_context():
        rows = list(db.session.execute(select(Notification).where(Notification.recipient == recipient)
                                       .order_by(Notification.id)).scalars())
        db.session.expunge_all()
        return rows


def worker_pass(app, now: datetime) -> None:
    from webui.commands.worker import run_pass
    clock.set(now)
    with app.app_context():
        while run_pass(500) == 500:
            pass


def test_a_new_task_notifies_its_assignee_and_the_badge_shows_it_on_every_page(as_user, app):
    browser = as_user(STAFF_NIP)
    assert badge(text_of(browser.get("/"))) == 1
    assert badge(text_of(browser.get("/?tab=kelompok"))) == 1
    page = text_of(browser.get("/notifikasi"))
    assert "Tugas baru" in page and "Susun SKP — Maya Sari" in page and "Belum dibaca" in page


def test_submitting_a_plan_notifies_the_appraiser_in_the_same_transaction(as_user, app):
    before = notices_of(app, PLT_NIP)
    submit_skp(app, KASI_NIP)
    after = notices_of(app, PLT_NIP)
    review = open_task(app, KASI_NIP, "Task_tinjau_skp")
    assert [(n.kind, n.human_task_id) for n in after[len(before):]] == [("task_created", review)]
    assert "Tinjau SKP" in after[-1].title


def test_opening_a_notification_marks_it_read_and_goes_to_the_task(as_user, app):
    browser = as_user(STAFF_NIP)
    (notice,) = notices_of(app, STAFF_NIP)
    response = browser.post_form(f"/notifikasi/{notice.id}/baca", {"buka": "1"}, token_page="/notifikasi")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tugas/{notice.human_task_id}")
    assert notices_of(app, STAFF_NIP)[0].read_at is not None
    assert badge(text_of(browser.get("/"))) == 0


def test_nobody_marks_another_persons_notification(as_user, app):
    (notice,) = notices_of(app, STAFF_NIP)
    other = as_user(KASI_NIP)
    response = other.post_form(f"/notifikasi/{notice.id}/baca", token_page="/notifikasi")
    assert response.status_code == 404
    assert notices_of(app, STAFF_NIP)[0].read_at is None
    assert "Maya Sari" not in text_of(other.get("/notifikasi"))


def test_a_group_notification_is_seen_by_its_members_and_marked_all_read(as_user, app):
    walikota = as_user("walikota")
    page = text_of(walikota.get("/notifikasi"))
    assert badge(page) == 6 and page.count("untuk kelompok Anda") == 6
    response = walikota.post_form("/notifikasi/baca-semua", token_page="/notifikasi")
    assert response.status_code == 302
    page = text_of(walikota.get("/notifikasi"))
    assert badge(page) == 0 and "Belum dibaca" not in page and "6 pemberitahuan ditandai sudah dibaca." in page
    again = walikota.post_form("/notifikasi/baca-semua", token_page="/notifikasi")
    assert "Tidak ada yang belum dibaca." in text_of(walikota.get(again.headers["Location"]))
    assert badge(text_of(as_user(STAFF_NIP).get("/"))) == 1  # someone else's stay unread


def test_the_reminder_timer_reminds_and_the_deadline_escalates_to_the_pengelola(as_user, app):
    # The SKP reminder is due 24 January 23:59 WITA, the deadline 31 January (perencanaan_skp.bpmn).
    worker_pass(app, datetime(2027, 1, 25, 1, 0, tzinfo=UTC))
    kinds = [n.kind for n in notices_of(app, STAFF_NIP)]
    assert kinds == ["task_created", "reminder"]
    assert "Pengingat" in text_of(as_user(STAFF_NIP).get("/notifikasi"))
    worker_pass(app, datetime(2027, 2, 1, 1, 0, tzinfo=UTC))
    escalations = [n for n in notices_of(app, "pengelola_kinerja:DISDUKCAPIL") if n.kind == "escalation"]
    assert escalations and all(n.recipient_kind == "group" for n in escalations)
    assert [n.kind for n in notices_of(app, STAFF_NIP)] == ["task_created", "reminder"]  # no repeat
    page = text_of(as_user("pengelola.disdukcapil").get("/notifikasi"))
    assert "Eskalasi" in page and badge(page) >= len(escalations)


def test_the_notification_list_needs_a_signed_in_user(client):
    response = client.get("/notifikasi")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    assert client.post("/notifikasi/1/baca").status_code in (302, 400)


def test_a_long_list_of_notifications_has_a_short_pager(as_user, make_app, demo_url):
    small = make_app(demo_url, INBOX_PAGE_SIZE=1)  # walikota's six group notifications: six pages
    small.test_client_class = type(as_user("walikota"))
    browser = small.test_client()
    browser.sign_in("walikota")
    page = text_of(browser.get("/notifikasi"))
    pager = page.split('<nav aria-label="Halaman">', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="/notifikasi\?halaman=(\d+)"', pager)
    assert links == ["0", "1", "2", "3", "6", "2"]  # previous (disabled), 1-3, the last, next
    assert "…" in pager and 'aria-current="page"' in pager and "Berikutnya" in pager
