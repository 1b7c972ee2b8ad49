"""Stage 2, pemantauan_kinerja: calendar periods, input deadlines, coaching, periodic predikat, the semester review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.errors import FormInvalid
from tests.workflows.lifecycle import NIP_ANI, Lifecycle, realisasi_for, siklus_data
from workflows.models import (
    CoachingSession,
    Feedback,
    MonitoringPeriod,
    Position,
    PredikatRecord,
    Rating,
    Realisation,
)
from workflows.organisation import org
from workflows.planning import skp as skp_records

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["pemantauan_kinerja.bpmn", "predikat_kinerja.dmn"]

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


def wita(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_quarters_at_calendar_dates_with_periodic_predikat_and_the_semester_review_in_june(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = start_with_plan(lifecycle)
    # The year's periods are computed by the process and recorded: calendar quarters, the last one Akhir.
    recorded = rows(lifecycle, MonitoringPeriod)
    assert [(p.name, p.starts_on.isoformat(), p.ends_on.isoformat(), p.final) for p in recorded] == [
        ("Triwulan I", "2027-01-01", "2027-03-31", False), ("Triwulan II", "2027-04-01", "2027-06-30", False),
        ("Triwulan III", "2027-07-01", "2027-09-30", False), ("Triwulan IV-Akhir", "2027-10-01", "2027-12-31", True)]
    assert lifecycle.open_tasks(iid) == [] and lifecycle.status(iid) == "waiting"
    semester_reviews, periodic = [], []
    for period in recorded:
        # The realisation task opens 7 days before the period's end (P7D), not before.
        opens = wita(f"{period.ends_on.isoformat()}T00:00:00+08:00") - timedelta(days=7)
        assert lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC) == opens
        assert lifecycle.worker(opens - timedelta(minutes=1)) == [] and lifecycle.open_tasks(iid) == []
        assert lifecycle.worker(opens + timedelta(seconds=1)) == [iid]
        realisasi = lifecycle.task(iid, "Task_catat_realisasi")
        # ... and is due on the input deadline, 5 days after the end (P5D), end of day WITA.
        deadline = wita(f"{(period.ends_on + timedelta(days=5)).isoformat()}T23:59:59+08:00")
        assert realisasi.due_at.replace(tzinfo=UTC) == deadline == period.input_deadline.replace(tzinfo=UTC)
        assert realisasi.assignee == NIP_ANI and realisasi.form["key"] == "realisasi_editor"
        lifecycle.do(iid, "Task_catat_realisasi", realisasi_for(lifecycle.session, iid, nilai=300 * period.seq))
        feedback = lifecycle.task(iid, "Task_beri_umpan_balik")
        assert feedback.assignee == "kasi_a"
        assert {f["id"]: f["value"] for f in feedback.form["fields"]}["periode_nama"] == period.name
        coaching = period.seq == 1
        lifecycle.do(iid, "Task_beri_umpan_balik", {"umpan_balik": f"{period.name} baik.",
                                                     "perlu_bimbingan": coaching})
        if coaching:
            assert lifecycle.task(iid, "Task_catat_bimbingan").assignee == "kasi_a"
            lifecycle.coach(iid)
        if lifecycle.open_tasks(iid, "Task_evaluasi_semester"):
            semester_reviews.append(period.name)
            lifecycle.do(iid, "Task_evaluasi_semester", {"hasil_kerja": "sesuai", "perilaku": "di_atas",
                                                          "catatan_evaluasi": "Pertahankan."})
        elif lifecycle.open_tasks(iid, "Task_evaluasi_periodik"):
            review = lifecycle.task(iid, "Task_evaluasi_periodik")
            assert review.assignee == "kasi_a" and review.due_at.replace(tzinfo=UTC) == deadline
            periodic.append(period.name)
            lifecycle.do(iid, "Task_evaluasi_periodik", {"hasil_kerja": "di_bawah" if period.seq == 3 else "di_atas",
                                                          "perilaku": "di_atas"})
    assert semester_reviews == ["Triwulan II"] and periodic == ["Triwulan I", "Triwulan III"]
    # The annual rating waits for the year's end: monitoring is over only after 31 December.
    assert lifecycle.status(iid) == "waiting" and lifecycle.open_tasks(iid) == []
    year_end = wita("2028-01-01T00:00:00+08:00")
    assert lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC) == year_end
    assert lifecycle.worker(year_end - timedelta(minutes=1)) == []
    assert lifecycle.worker(year_end + timedelta(seconds=1)) == [iid]
    assert lifecycle.status(iid) == "completed"
    data = lifecycle.variables(iid)
    assert data["kompetensi_teknis"] == 3 and data["b18_manfaat_sesi"] == 4
    assert data["hasil_kerja"] is None  # a period's rating does not prefill the annual one
    created = [d["bpmn_id"] for _, d in lifecycle.events(iid, "task_created")]
    assert created.count("Task_umpan_balik_bimbingan") == 1 and created.count("Task_catat_realisasi") == 4
    # The year so far is in the records, by period name, readable without the workflow.
    realisations = rows(lifecycle, Realisation)
    assert len(realisations) == 8 and {r.period for r in realisations} == {p.name for p in recorded}
    assert [r.value for r in realisations if r.period == "Triwulan III"] == ["900", "900"]
    assert all(r.evidence_url.startswith("https://") and r.recorded_by == NIP_ANI for r in realisations)
    feedback = rows(lifecycle, Feedback)
    assert [(f.period, f.text) for f in feedback] == [
        ("Triwulan I", "Triwulan I baik."), ("Triwulan II", "Triwulan II baik."), ("Triwulan II", "Pertahankan."),
        ("Triwulan III", "Triwulan III baik."), ("Triwulan IV-Akhir", "Triwulan IV-Akhir baik.")]
    [coaching] = rows(lifecycle, CoachingSession)
    assert (coaching.held_on.isoformat(), coaching.kind, coaching.coach) == ("2027-03-20", "bimbingan", "kasi_a")
    # Each period before Akhir has its rating and the periodic predikat the matrix gives (PermenPANRB 6/2022
    # Ps 28); the Akhir period is the annual evaluation, not rated twice.
    assert [(r.period, r.hasil_kerja, r.perilaku, r.predikat_usulan, r.rated_by) for r in rows(lifecycle, Rating)] == [
        ("Triwulan I", "di_atas", "di_atas", "sangat_baik", "kasi_a"),
        ("Triwulan II", "sesuai", "di_atas", "baik", "kasi_a"),
        ("Triwulan III", "di_bawah", "di_atas", "butuh_perbaikan", "kasi_a")]
    assert rows(lifecycle, PredikatRecord) == []  # the predikat history (and the curve) is the annual one's
    recorded_events = [t for t, _ in lifecycle.events(iid)]
    assert recorded_events.count("periods_recorded") == 1 and recorded_events.count("rating_recorded") == 3


def test_monthly_periods_have_the_semester_review_in_june(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = start_with_plan(lifecycle, jenis_periode="bulanan")
    recorded = rows(lifecycle, MonitoringPeriod)
    assert [p.name for p in recorded] == ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                                          "September", "Oktober", "November", "Desember-Akhir"]
    assert (recorded[1].starts_on.isoformat(), recorded[1].ends_on.isoformat()) == ("2027-02-01", "2027-02-28")
    reviews = []
    for _ in range(6):
        lifecycle.monitor_period(iid)
        reviews.append([t for _, t in lifecycle.events(iid, "task_created") if t["bpmn_id"].startswith(
            "Task_evaluasi_")][-1]["bpmn_id"])
    assert reviews == ["Task_evaluasi_periodik"] * 5 + ["Task_evaluasi_semester"]
    assert [r.period for r in rows(lifecycle, Rating)] == ["Januari", "Februari", "Maret", "April", "Mei", "Juni"]


def test_semester_periods_rate_semester_one_and_leave_the_second_to_the_annual_rating(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = start_with_plan(lifecycle, jenis_periode="semesteran")
    assert [(p.name, p.ends_on.isoformat()) for p in rows(lifecycle, MonitoringPeriod)] == [
        ("Semester I", "2027-06-30"), ("Semester II-Akhir", "2027-12-31")]
    lifecycle.monitor_year(iid)
    assert lifecycle.status(iid) == "completed", [t.bpmn_id for t in lifecycle.open_tasks(iid)]
    assert [(r.period, r.predikat_usulan) for r in rows(lifecycle, Rating)] == [("Semester I", "baik")]
    created = [d["bpmn_id"] for _, d in lifecycle.events(iid, "task_created")]
    assert "Task_evaluasi_periodik" not in created and created.count("Task_evaluasi_semester") == 1


def test_a_late_skp_from_may_starts_its_first_period_on_its_first_day(lifecycle: Lifecycle):
    session = lifecycle.session
    ani = org.employee_by_nip(session, NIP_ANI)
    # Ani moved on 10 May: her SKP from 1 January was closed, the new one starts with the new position.
    first = skp_records.open_skp(session, ani, 2027, "tester")
    skp_records.set_status(session, first, "ditutup", "tester", "Mutasi")
    seksi = org.unit_by_code(session, "SEKSI-A")
    new_position = Position(code="STAF-B", name="Jabatan STAF-B", kind="pelaksana", unit=seksi,
                            reports_to=org.position_by_code(session, "KASI-A"))
    session.add(new_position)
    org.transfer(session, ani, new_position, date(2027, 5, 10))
    session.commit()
    lifecycle.worker(datetime(2027, 5, 11, tzinfo=UTC))
    iid = start_with_plan(lifecycle)
    assert [(p.name, p.starts_on.isoformat(), p.ends_on.isoformat()) for p in rows(lifecycle, MonitoringPeriod)
            if p.skp_id != first.id] == [("Triwulan II", "2027-05-10", "2027-06-30"),
                                         ("Triwulan III", "2027-07-01", "2027-09-30"),
                                         ("Triwulan IV-Akhir", "2027-10-01", "2027-12-31")]
    lifecycle.monitor_period(iid)
    # Its first period ends on 30 June: that period's evaluation is the semester-I review.
    assert [r.period for r in rows(lifecycle, Rating)] == ["Triwulan II"]
    assert "Task_evaluasi_semester" in [d["bpmn_id"] for _, d in lifecycle.events(iid, "task_created")]


def test_an_unknown_period_kind_stops_the_stage_with_a_clear_error(lifecycle: Lifecycle):
    iid = lifecycle.start("pemantauan_kinerja", siklus_data(NIP_ANI, jenis_periode="mingguan"), key="k")
    instance = lifecycle.instance(iid)
    assert instance.status == "error" and "jenis_periode must be one of bulanan, triwulanan, semesteran" in str(
        instance.error)
    assert rows(lifecycle, MonitoringPeriod) == []


def test_a_realisation_of_another_skp_or_without_a_value_is_refused_and_nothing_moves(lifecycle: Lifecycle):
    iid = start_with_plan(lifecycle)
    lifecycle.next_timer(iid)
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


def test_coaching_flag_does_not_carry_into_the_next_period(lifecycle: Lifecycle):
    lifecycle.worker(START)
    iid = start_with_plan(lifecycle)
    lifecycle.monitor_period(iid, coaching=True)
    lifecycle.next_timer(iid)
    lifecycle.do(iid, "Task_catat_realisasi", realisasi_for(lifecycle.session, iid))
    feedback = lifecycle.task(iid, "Task_beri_umpan_balik")
    assert {f["id"]: f["value"] for f in feedback.form["fields"]}["perlu_bimbingan"] is False
    review = {f["id"]: f["value"] for f in lifecycle.open_tasks(iid, "Task_beri_umpan_balik")[0].form["fields"]}
    assert review["periode_nama"] == "Triwulan II"
