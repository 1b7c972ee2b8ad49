"""A period's realisation through the web: the IKI with targets, evidence links checked, nothing stored on refusal."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.webui.plan_fixtures import (
    APPRAISER,
    COLLEAGUE,
    EMPLOYEE,
    agree_skp,
    open_task,
    run_timers_until,
    task_state,
)
from workflows.models.skp import Iki, Realisation


def _realisation_task(app):  # type: ignore[no-untyped-def]
    instance_id = agree_skp(app, EMPLOYEE, APPRAISER)
    return run_timers_until(app, instance_id, "Task_catat_realisasi")


def _ikis(app) -> list[int]:  # type: ignore[no-untyped-def]
    from webui.extensions import db
    with app.app_context():
        return list(db.session.execute(select(Iki.id).order_by(Iki.id)).scalars())


def _count(app) -> int:  # type: ignore[no-untyped-def]
    from webui.extensions import db
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Realisation)).scalar_one()


def test_realisation_with_a_bad_evidence_link_is_refused_then_recorded(app, as_user) -> None:  # type: ignore[no-untyped-def]
    task = _realisation_task(app)
    employee = as_user(EMPLOYEE)
    page = employee.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Triwulan I" in page and "Akta kelahiran terbit" in page and "1200 akta" in page
    first, second = _ikis(app)
    posted = {"realisasi/0/iki_id": str(first), "realisasi/0/nilai": "310",
              "realisasi/0/bukti_dukung": "arsip kantor lemari 3",
              "realisasi/1/iki_id": str(second), "realisasi/1/nilai": "",
              "realisasi/1/catatan": "Aplikasi SIAK tidak dapat diakses bulan Maret"}
    refused = employee.post_form(f"/tugas/{task.id}", posted)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    beside = page.split('name="realisasi/0/bukti_dukung"')[1].split("</section>")[0]
    assert "https://" in beside and "invalid-feedback" in beside
    assert 'value="arsip kantor lemari 3"' in page and "SIAK tidak dapat diakses" in page
    assert task_state(app, task.id) == "open" and _count(app) == 0

    posted["realisasi/0/bukti_dukung"] = "https://arsip.samarindakota.go.id/akta/2027-q1.pdf"
    assert employee.post_form(f"/tugas/{task.id}", posted).status_code == 303
    assert task_state(app, task.id) == "completed" and _count(app) == 2
    # The same form sent twice (a double click, the back button) is refused and records nothing more.
    twice = employee.post_form(f"/tugas/{task.id}", posted, token_page="/")
    assert twice.status_code in (404, 409, 422) and _count(app) == 2

    # The appraiser's feedback on the period shows the targets, the values and the evidence link.
    feedback = open_task(app, "Task_beri_umpan_balik", APPRAISER)
    page = as_user(APPRAISER).get(f"/tugas/{feedback.id}").get_data(as_text=True)
    assert "Realisasi Triwulan I" in page and "310 akta" in page
    assert 'href="https://arsip.samarindakota.go.id/akta/2027-q1.pdf"' in page
    assert "Aplikasi SIAK tidak dapat diakses bulan Maret" in page


def test_a_realisation_left_out_is_refused(app, as_user) -> None:  # type: ignore[no-untyped-def]
    task = _realisation_task(app)
    first, _second = _ikis(app)
    refused = as_user(EMPLOYEE).post_form(f"/tugas/{task.id}", {
        "realisasi/0/iki_id": str(first), "realisasi/0/nilai": "310",
        "realisasi/0/bukti_dukung": "https://arsip.samarindakota.go.id/a.pdf"})
    assert refused.status_code == 422
    assert "Ada isian yang belum lengkap: lengkapi semuanya." in refused.get_data(as_text=True)
    assert _count(app) == 0


def test_another_employee_cannot_open_or_post_the_realisation(app, as_user) -> None:  # type: ignore[no-untyped-def]
    task = _realisation_task(app)
    other = as_user(COLLEAGUE)
    assert other.get(f"/tugas/{task.id}").status_code == 404
    assert other.post_form(f"/tugas/{task.id}", {"realisasi/0/iki_id": "1"}, token_page="/").status_code == 404
    assert task_state(app, task.id) == "open"
