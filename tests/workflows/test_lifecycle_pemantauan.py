"""Stage 2, pemantauan_kinerja: periods on a timer, coaching (B.1.8, B.1.9), the semester-I review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from engine.errors import FormInvalid
from tests.workflows.lifecycle import NIP_ANI, Lifecycle, realisasi_for, siklus_data
from workflows import skp as skp_records
from workflows.models import CoachingSession, Feedback, PredikatRecord, Rating, Realisation

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["pemantauan_kinerja.bpmn"]

START = datetime(2027, 2, 1, 0, 0, tzinfo=UTC)

PLAN = {"rhk": [{"uraian": "Layanan KTP-el", "iki": [
    {"uraian": "KTP-el tercetak", "target": 1200, "satuan": "keping"},
    {"uraian": "Waktu layanan", "target": "1 hari", "aspek": "waktu"}]}]}


def start_with_plan(lifecycle: Lifecycle, **overrides) -> int:
    """Start the stage; its first script opens the SKP, which gets the agreed plan of stage 1 here."""
    iid = lifecycle.start("pemantauan_kinerja", siklus_data(NIP_ANI, **overrides), key="k")
    skp_records.save_plan(lifecycle.session, skp_records.require_skp(lifecycle.session, iid), PLAN, "tester")
    lifecycle.session.commit()
    return iid


def rows(lifecycle: Lifecycle, model) -> list:
    lifecycle.session.expire_all()
    return list(lifecycle.session.execute(select(model).order_by(model.id)).scalars())


def test_four_quarters_with_a_coaching_session_and_the_semester_review(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = start_with_plan(lifecycle)
    now = START
    semester_reviews = []
    for period in (1, 2, 3, 4):
        realisasi = lifecycle.task(iid, "Task_catat_realisasi")
        assert realisasi.assignee == NIP_ANI and realisasi.form["key"] == "realisasi_editor"
        lifecycle.do(iid, "Task_catat_realisasi", realisasi_for(lifecycle.session, iid, nilai=300 * period))
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
                                                          "perilaku_semester_1": "di_atas",
                                                          "catatan_semester_1": "Pertahankan."})
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
    # The year so far is in the records, readable without the workflow.
    realisations = rows(lifecycle, Realisation)
    assert len(realisations) == 8 and {r.period for r in realisations} == {f"periode_{p}" for p in (1, 2, 3, 4)}
    assert [r.value for r in realisations if r.period == "periode_3"] == ["900", "900"]
    assert all(r.evidence_url.startswith("https://") and r.recorded_by == NIP_ANI for r in realisations)
    feedback = rows(lifecycle, Feedback)
    assert [(f.period, f.text) for f in feedback] == [
        ("periode_1", "Periode 1 baik."), ("periode_2", "Periode 2 baik."), ("semester_1", "Pertahankan."),
        ("periode_3", "Periode 3 baik."), ("periode_4", "Periode 4 baik.")]
    [coaching] = rows(lifecycle, CoachingSession)
    assert (coaching.held_on.isoformat(), coaching.kind, coaching.coach) == ("2027-03-20", "bimbingan", "kasi_a")
    assert coaching.b18 == {"manfaat_sesi": 4, "kejelasan_pembimbing": 5, "kesesuaian_kebutuhan": 4, "saran": None}
    assert coaching.b19["teknis"] == 3 and coaching.b19["alasan"] == "Perlu pelatihan teknis layanan."
    [interim] = rows(lifecycle, Rating)
    assert (interim.period, interim.hasil_kerja, interim.perilaku, interim.predikat_usulan) == (
        "semester_1", "sesuai", "di_atas", None)
    assert rows(lifecycle, PredikatRecord) == []  # an interim review proposes no predikat
    recorded = [t for t, _ in lifecycle.events(iid) if t in (
        "realisation_recorded", "feedback_given", "coaching_recorded", "rating_recorded")]
    assert recorded.count("realisation_recorded") == 8 and recorded.count("coaching_recorded") == 1


def test_a_realisation_of_another_skp_or_without_a_value_is_refused_and_nothing_moves(lifecycle: Lifecycle):
    iid = start_with_plan(lifecycle)
    task = lifecycle.task(iid, "Task_catat_realisasi")
    own = realisasi_for(lifecycle.session, iid)["realisasi"]
    bad = [({"realisasi": [{**own[0], "iki_id": 99999}]}, "realisasi/0/iki_id", "unknown_record"),
           ({"realisasi": [own[0], own[0]]}, "realisasi/1/iki_id", "duplicate"),
           ({"realisasi": [{"iki_id": own[0]["iki_id"]}]}, "realisasi/0/catatan", "required"),
           ({"realisasi": [{**own[0], "bukti_dukung": "javascript:alert(1)"}]}, "realisasi/0/bukti_dukung",
            "invalid_format"),
           ({}, "realisasi", "required")]
    for data, path, code in bad:
        with pytest.raises(FormInvalid) as refused:
            lifecycle.do(iid, "Task_catat_realisasi", data)
        assert [e["code"] for e in refused.value.errors[path]] == [code]
    assert lifecycle.task(iid, "Task_catat_realisasi").id == task.id and rows(lifecycle, Realisation) == []
    assert [t for t, _ in lifecycle.events(iid) if t == "task_completed"] == []


def test_a_single_period_still_has_its_semester_review(lifecycle: Lifecycle):
    iid = lifecycle.start("pemantauan_kinerja", siklus_data(NIP_ANI, jumlah_periode=1), key="k")
    lifecycle.do(iid, "Task_catat_realisasi", {"realisasi": []})
    lifecycle.do(iid, "Task_beri_umpan_balik", {"umpan_balik": "ok"})  # perlu_bimbingan left out
    lifecycle.do(iid, "Task_evaluasi_semester", {"hasil_kerja_semester_1": "di_bawah",
                                                  "perilaku_semester_1": "sesuai"})
    assert lifecycle.status(iid) == "completed"


def test_coaching_flag_does_not_carry_into_the_next_period(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = lifecycle.start("pemantauan_kinerja", siklus_data(NIP_ANI, jumlah_periode=2), key="k")
    lifecycle.do(iid, "Task_catat_realisasi", {"realisasi": []})
    lifecycle.do(iid, "Task_beri_umpan_balik", {"umpan_balik": "ok", "perlu_bimbingan": True})
    lifecycle.coach(iid)
    lifecycle.do(iid, "Task_evaluasi_semester", {"hasil_kerja_semester_1": "sesuai",
                                                  "perilaku_semester_1": "sesuai"})
    lifecycle.worker(START + relativedelta(months=3, seconds=1))
    lifecycle.do(iid, "Task_catat_realisasi", {"realisasi": []})
    feedback = lifecycle.task(iid, "Task_beri_umpan_balik")
    assert {f["id"]: f["value"] for f in feedback.form["fields"]}["perlu_bimbingan"] is False
    lifecycle.do(iid, "Task_beri_umpan_balik", {"umpan_balik": "ok"})
    assert lifecycle.status(iid) == "completed"
