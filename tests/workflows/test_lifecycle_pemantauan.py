"""Stage 2, pemantauan_kinerja: periods on a timer, coaching (B.1.8, B.1.9), the semester-I review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta

from tests.workflows.lifecycle import NIP_ANI, Lifecycle, siklus_data

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["pemantauan_kinerja.bpmn"]

START = datetime(2027, 2, 1, 0, 0, tzinfo=UTC)


def test_four_quarters_with_a_coaching_session_and_the_semester_review(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = lifecycle.start("pemantauan_kinerja", siklus_data(NIP_ANI), key="k")
    now = START
    semester_reviews = []
    for period in (1, 2, 3, 4):
        realisasi = lifecycle.task(iid, "Task_catat_realisasi")
        assert realisasi.assignee == NIP_ANI and realisasi.form["key"] == "realisasi_editor"
        lifecycle.do(iid, "Task_catat_realisasi", {"realisasi": {"periode": period}})
        feedback = lifecycle.task(iid, "Task_beri_umpan_balik")
        assert feedback.assignee == "kasi_a"
        assert {f["id"]: f["value"] for f in feedback.form["fields"]}["periode_ke"] == period
        coaching = period == 1
        lifecycle.do(iid, "Task_beri_umpan_balik", {"umpan_balik": f"Periode {period} baik.",
                                                     "perlu_bimbingan": coaching})
        if coaching:
            assert lifecycle.task(iid, "Task_catat_bimbingan").assignee == "kasi_a"
            lifecycle.coach(iid)
        else:
            assert lifecycle.open_tasks(iid, "Task_catat_bimbingan") == []
        review = lifecycle.open_tasks(iid, "Task_evaluasi_semester")
        if review:
            semester_reviews.append(period)
            lifecycle.do(iid, "Task_evaluasi_semester", {"hasil_kerja_semester_1": "sesuai",
                                                          "perilaku_semester_1": "di_atas"})
        if period < 4:
            # Between check-ins the instance waits for the next period (P3M) with no open task.
            assert lifecycle.status(iid) == "waiting" and lifecycle.open_tasks(iid) == []
            due = lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC)
            assert due == now + relativedelta(months=3)
            assert lifecycle.worker(due - relativedelta(days=1)) == []
            now = due + timedelta(seconds=1)  # SpiffWorkflow fires a timer once its due time has passed
            assert lifecycle.worker(now) == [iid]
    assert semester_reviews == [2]
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert data["periode_ke"] == 4 and data["hasil_kerja_semester_1"] == "sesuai"
    assert data["kompetensi_teknis"] == 3 and data["b18_manfaat_sesi"] == 4
    created = [d["bpmn_id"] for _, d in lifecycle.events(iid, "task_created")]
    assert created.count("Task_umpan_balik_bimbingan") == 1
    assert created.count("Task_catat_realisasi") == 4


def test_a_single_period_still_has_its_semester_review(lifecycle: Lifecycle):
    iid = lifecycle.start("pemantauan_kinerja", siklus_data(NIP_ANI, jumlah_periode=1), key="k")
    lifecycle.do(iid, "Task_catat_realisasi", {})
    lifecycle.do(iid, "Task_beri_umpan_balik", {"umpan_balik": "ok"})  # perlu_bimbingan left out
    lifecycle.do(iid, "Task_evaluasi_semester", {"hasil_kerja_semester_1": "di_bawah",
                                                  "perilaku_semester_1": "sesuai"})
    assert lifecycle.status(iid) == "completed"


def test_coaching_flag_does_not_carry_into_the_next_period(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = lifecycle.start("pemantauan_kinerja", siklus_data(NIP_ANI, jumlah_periode=2), key="k")
    lifecycle.do(iid, "Task_catat_realisasi", {})
    lifecycle.do(iid, "Task_beri_umpan_balik", {"umpan_balik": "ok", "perlu_bimbingan": True})
    lifecycle.coach(iid)
    lifecycle.do(iid, "Task_evaluasi_semester", {"hasil_kerja_semester_1": "sesuai",
                                                  "perilaku_semester_1": "sesuai"})
    lifecycle.worker(START + relativedelta(months=3, seconds=1))
    lifecycle.do(iid, "Task_catat_realisasi", {})
    feedback = lifecycle.task(iid, "Task_beri_umpan_balik")
    assert {f["id"]: f["value"] for f in feedback.form["fields"]}["perlu_bimbingan"] is False
    lifecycle.do(iid, "Task_beri_umpan_balik", {"umpan_balik": "ok"})
    assert lifecycle.status(iid) == "completed"
