"""The SKP editor and its review through the web: draft, refusal beside the fields, return, revise, agree."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.webui.plan_fixtures import APPRAISER, COLLEAGUE, EMPLOYEE, complete_task, open_task, skp_form, task_state
from workflows.models.skp import BehaviourExpectation, Iki, Rhk, Skp

PLAN = [{"uraian": "Terlaksananya pencatatan akta kelahiran tepat waktu", "jenis": "utama",
         "iki": [{"uraian": "Persentase akta terbit dalam 1 hari", "target": "95", "satuan": "persen",
                  "aspek": "kuantitas"},
                 {"uraian": "Jumlah pengaduan layanan", "target": "0", "satuan": "pengaduan"}]},
        {"uraian": "Tersusunnya laporan bulanan pencatatan sipil", "jenis": "tambahan",
         "iki": [{"uraian": "Laporan tersusun", "target": "12", "satuan": "laporan"}]}]


def _records(app):  # type: ignore[no-untyped-def]
    from webui.extensions import db
    with app.app_context():
        return (db.session.execute(select(func.count()).select_from(Rhk)).scalar_one(),
                db.session.execute(select(func.count()).select_from(Iki)).scalar_one(),
                sorted(db.session.execute(select(Skp.status)).scalars()))


def test_the_editor_shows_rows_to_fill_and_the_value_guides(app, as_user) -> None:  # type: ignore[no-untyped-def]
    task = open_task(app, "Task_susun_skp", EMPLOYEE)
    page = as_user(EMPLOYEE).get(f"/tugas/{task.id}").get_data(as_text=True)
    assert 'name="skp/rhk/0/uraian"' in page and 'name="skp/rhk/0/iki/0/target"' in page
    assert 'id="plan-rhk-template"' in page and "__I__" in page  # rows added by plan.js
    assert "Berorientasi Pelayanan" in page and "Rencana Hasil Kerja" in page
    assert "js/plan.js" in page
    # In English the words change; the domain's names (RHK, IKI, BerAKHLAK values) stay.
    browser = as_user(EMPLOYEE)
    browser.post_form("/bahasa/en", {"next": f"/tugas/{task.id}"}, token_page=f"/tugas/{task.id}")
    page = browser.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Planned results and indicators" in page and "Add RHK" in page and "Berorientasi Pelayanan" in page


def test_invalid_plan_is_refused_beside_the_fields_and_nothing_is_stored(app, as_user) -> None:  # type: ignore[no-untyped-def]
    task = open_task(app, "Task_susun_skp", EMPLOYEE)
    before = _records(app)
    bad = [{"uraian": "  ", "iki": [{"uraian": "Akta terbit", "target": ""}]}]
    response = as_user(EMPLOYEE).post_form(f"/tugas/{task.id}", skp_form(bad))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # Indonesian sentences next to the RHK text and the IKI target, the rows shown again as typed.
    uraian = page.split('name="skp/rhk/0/uraian"')[1].split("</textarea>")[1]
    assert "Isian ini wajib diisi." in uraian.split("<label")[0]
    target = page.split('name="skp/rhk/0/iki/0/target"')[1]
    assert "is-invalid" in page.split('name="skp/rhk/0/iki/0/target"')[0].rsplit("<input", 1)[1]
    assert "Isian ini wajib diisi." in target.split("<label")[0]
    assert 'value="Akta terbit"' in page
    assert task_state(app, task.id) == "open" and _records(app) == before


def test_plan_return_revise_agree(app, as_user) -> None:  # type: ignore[no-untyped-def]
    employee, appraiser = as_user(EMPLOYEE), as_user(APPRAISER)
    task = open_task(app, "Task_susun_skp", EMPLOYEE)
    data = skp_form(PLAN, **{"skp/perilaku/akuntabel": "Menyelesaikan akta sesuai SOP",
                             "skp/lampiran/konsekuensi": "Teguran bila target tidak tercapai"})
    response = employee.post_form(f"/tugas/{task.id}", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert task_state(app, task.id) == "completed"
    from webui.extensions import db
    with app.app_context():
        skp = db.session.execute(select(Skp).join(Skp.rhk).where(Rhk.text == PLAN[0]["uraian"])).scalar_one()
        assert skp.status == "diajukan" and [r.text for r in skp.rhk] == [PLAN[0]["uraian"], PLAN[1]["uraian"]]
        assert [k.target for k in skp.rhk[0].iki] == ["95", "0"]
        assert db.session.execute(select(BehaviourExpectation.expectation).where(
            BehaviourExpectation.skp_id == skp.id)).scalars().all() == ["Menyelesaikan akta sesuai SOP"]
        skp_id, rhk_ids = skp.id, [r.id for r in skp.rhk]

    # The appraiser sees the SKP read-only; a return without a note is refused, nothing changes.
    review = open_task(app, "Task_tinjau_skp", APPRAISER)
    page = appraiser.get(f"/tugas/{review.id}").get_data(as_text=True)
    assert "Persentase akta terbit dalam 1 hari" in page and "Menyelesaikan akta sesuai SOP" in page
    assert 'name="skp/rhk/0/uraian"' not in page  # nothing of it is editable
    refused = appraiser.post_form(f"/tugas/{review.id}", {"keputusan_skp": "kembalikan", "catatan_skp": " "})
    assert refused.status_code == 422
    after = refused.get_data(as_text=True).split('id="f-catatan_skp"')[1]
    assert "Isian ini wajib diisi." in after
    assert task_state(app, review.id) == "open"
    note = "Target IKI 1 terlalu rendah: naikkan menjadi 98 persen."
    assert appraiser.post_form(f"/tugas/{review.id}", {"keputusan_skp": "kembalikan", "catatan_skp": note,
                                                       "ekspektasi_pimpinan/akuntabel": ""}).status_code == 303

    # The employee sees the note and the last draft with its record ids, revises, submits again.
    again = open_task(app, "Task_susun_skp", EMPLOYEE)
    page = employee.get(f"/tugas/{again.id}").get_data(as_text=True)
    assert note in page and "plan-return-note" in page
    assert 'value="Persentase akta terbit dalam 1 hari"' in page
    assert f'name="skp/rhk/0/id" value="{rhk_ids[0]}"' in page
    posted = dict(re.findall(r'name="(skp/rhk/[^"]+/id)" value="(\d+)"', page))
    revised = skp_form(PLAN, **posted, **{"skp/rhk/0/iki/0/target": "98"})
    assert employee.post_form(f"/tugas/{again.id}", revised).status_code == 303
    with app.app_context():
        skp = db.session.get(Skp, skp_id)
        assert [r.id for r in skp.rhk] == rhk_ids and skp.rhk[0].iki[0].target == "98"

    review = open_task(app, "Task_tinjau_skp", APPRAISER)
    assert appraiser.post_form(f"/tugas/{review.id}", {
        "keputusan_skp": "setuju", "ekspektasi_pimpinan/kolaboratif": "Aktif berbagi data dengan Seksi Pindah"
    }).status_code == 303
    with app.app_context():
        skp = db.session.get(Skp, skp_id)
        assert skp.status == "disetujui"
        leader = db.session.execute(select(BehaviourExpectation.expectation).where(
            BehaviourExpectation.skp_id == skp_id, BehaviourExpectation.value_code == "kolaboratif")).scalar_one()
        assert leader == "Aktif berbagi data dengan Seksi Pindah"
    # The employee signs the SKP they see above the form.
    sign = open_task(app, "Task_tandatangani_skp", EMPLOYEE)
    page = employee.get(f"/tugas/{sign.id}").get_data(as_text=True)
    assert "Persentase akta terbit dalam 1 hari" in page and "98" in page


def test_another_employee_can_neither_open_nor_post_the_skp_task(app, as_user) -> None:  # type: ignore[no-untyped-def]
    task = open_task(app, "Task_susun_skp", EMPLOYEE)
    other = as_user(COLLEAGUE)
    assert other.get(f"/tugas/{task.id}").status_code == 404
    response = other.post_form(f"/tugas/{task.id}", skp_form(PLAN), token_page="/")
    assert response.status_code == 404
    assert task_state(app, task.id) == "open"
    # The appraiser may not draft the employee's SKP either.
    assert as_user(APPRAISER).get(f"/tugas/{task.id}").status_code == 404


def test_each_rhk_names_the_superior_rhk_it_supports(app, as_user) -> None:  # type: ignore[no-untyped-def]
    superior_plan = [{"uraian": "Meningkatnya cakupan kepemilikan akta kelahiran",
                      "iki": [{"uraian": "Cakupan", "target": "98"}]}]
    complete_task(app, "Task_susun_skp", APPRAISER, {"skp": {"rhk": superior_plan}})
    from webui.extensions import db
    with app.app_context():
        parent = db.session.execute(select(Rhk).where(
            Rhk.text == "Meningkatnya cakupan kepemilikan akta kelahiran")).scalar_one()
        parent_id = parent.id
    task = open_task(app, "Task_susun_skp", EMPLOYEE)
    employee = as_user(EMPLOYEE)
    page = employee.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert f'<option value="{parent_id}" >Meningkatnya cakupan kepemilikan akta kelahiran</option>' in page

    refused = employee.post_form(f"/tugas/{task.id}", skp_form(PLAN[:1]))
    assert refused.status_code == 422
    beside = refused.get_data(as_text=True).split('name="skp/rhk/0/rhk_atasan_id"')[1].split("Perspektif")[0]
    assert "Pilih RHK atasan yang diintervensi RHK ini, atau jelaskan mengapa tidak ada." in beside
    assert task_state(app, task.id) == "open"

    chosen = skp_form(PLAN[:1], **{"skp/rhk/0/rhk_atasan_id": str(parent_id)})
    assert employee.post_form(f"/tugas/{task.id}", chosen).status_code == 303
    with app.app_context():
        rhk = db.session.execute(select(Rhk).where(Rhk.text == PLAN[0]["uraian"])).scalar_one()
        assert rhk.parent_rhk_id == parent_id
    # The appraiser's review says which of their RHK it supports.
    review = open_task(app, "Task_tinjau_skp", APPRAISER)
    page = as_user(APPRAISER).get(f"/tugas/{review.id}").get_data(as_text=True)
    assert "Mengintervensi RHK atasan: Meningkatnya cakupan kepemilikan akta kelahiran" in page
