"""Peer feedback through the web: the appraiser picks raters among colleagues, a rater sees whom they rate."""

from __future__ import annotations

from tests.webui.plan_fixtures import APPRAISER, COLLEAGUE, EMPLOYEE, open_task, start_peer_feedback, task_state

RATERS = [COLLEAGUE, "199411192019031006", "199012202015031011"]


def test_the_appraiser_picks_raters_among_colleagues(app, as_user) -> None:  # type: ignore[no-untyped-def]
    start_peer_feedback(app, EMPLOYEE)
    task = open_task(app, "Task_pilih_rekan", APPRAISER)
    appraiser = as_user(APPRAISER)
    page = appraiser.get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Rendi Saputra" in page and f'value="{COLLEAGUE}"' in page
    assert f'value="{EMPLOYEE}"' not in page  # nobody rates themselves
    assert f'value="{APPRAISER}"' not in page  # the appraiser judges anyway
    assert "data-plan-rater-filter" in page

    # Nobody chosen, or someone who is no employee: refused with the reason, the task stays open.
    empty = appraiser.post_form(f"/tugas/{task.id}", {})
    assert empty.status_code == 422 and "Jumlah entri terlalu sedikit." in empty.get_data(as_text=True)
    stranger = "199901012099011001"
    refused = appraiser.post_form(f"/tugas/{task.id}", {"daftar_rekan": [COLLEAGUE, stranger]})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f"{stranger}: Entri ini tidak termasuk di sini" in page
    assert f'id="f-rekan-{COLLEAGUE}" checked' in page  # the choice is kept
    assert task_state(app, task.id) == "open"
    # Nor can the employee rate themselves (posted by hand: the page never offers it).
    own = appraiser.post_form(f"/tugas/{task.id}", {"daftar_rekan": [EMPLOYEE]})
    assert own.status_code == 422 and "Pegawai tidak dapat menilai dirinya sendiri." in own.get_data(as_text=True)
    assert task_state(app, task.id) == "open"

    # The unit serves the public: a survey average out of the 1-5 scale is refused beside its value.
    public = {"daftar_rekan": RATERS, "umpan_balik_publik/sumber": "Survei Kepuasan Masyarakat 2027",
              "umpan_balik_publik/nilai/berorientasi_pelayanan": "7"}
    refused = appraiser.post_form(f"/tugas/{task.id}", public)
    assert refused.status_code == 422
    beside = refused.get_data(as_text=True).split('name="umpan_balik_publik/nilai/berorientasi_pelayanan"')[1]
    assert "Nilai ini di atas batas tertinggi." in beside.split("</div>")[0]
    assert task_state(app, task.id) == "open"

    public["umpan_balik_publik/nilai/berorientasi_pelayanan"] = "4,3"
    assert appraiser.post_form(f"/tugas/{task.id}", public).status_code == 303
    assert task_state(app, task.id) == "completed"


def test_the_rater_sees_whom_they_rate_and_that_answers_are_confidential(app, as_user) -> None:  # type: ignore[no-untyped-def]
    start_peer_feedback(app, EMPLOYEE)
    choose = open_task(app, "Task_pilih_rekan", APPRAISER)
    assert as_user(APPRAISER).post_form(f"/tugas/{choose.id}", {"daftar_rekan": RATERS}).status_code == 303
    task = open_task(app, "Task_beri_umpan_balik_berakhlak", COLLEAGUE)
    page = as_user(COLLEAGUE).get(f"/tugas/{task.id}").get_data(as_text=True)
    assert "Rendi Saputra" in page and "Jawaban Anda rahasia." in page
    assert "Berorientasi Pelayanan" in page and "Kolaboratif" in page
    # The employee rated can open neither the rater's task nor the choice of raters.
    employee = as_user(EMPLOYEE)
    assert employee.get(f"/tugas/{task.id}").status_code == 404
    assert employee.get(f"/tugas/{choose.id}").status_code == 404
    # The self-assessment shows the guides, without the rater's wording.
    own = open_task(app, "Task_penilaian_diri", EMPLOYEE)
    page = employee.get(f"/tugas/{own.id}").get_data(as_text=True)
    assert "Penilaian diri Anda" in page and "Jawaban Anda rahasia." not in page
