"""Lane resolution: every appraisal lane against the chart, and end to end through the inbox."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from engine.clock import clock
from engine.definitions import specs
from engine.models import HumanTask
from engine.runtime.human_tasks import tasks
from engine.runtime.human_tasks.assignment import Assignment, get_resolver, set_resolver
from engine.runtime.lifecycle import instances
from workflows.organisation import org
from workflows.organisation.lanes import LaneResolver, UnresolvedLane
from workflows.organisation.org import OrgSettings

TODAY = date(2026, 3, 2)


def fake_task(lane: str, ext: dict | None = None, **data):
    return SimpleNamespace(task_spec=SimpleNamespace(lane=lane, extensions=ext or {}), data=data)


@pytest.fixture
def resolve(session, chart):
    def _resolve(lane: str, settings: OrgSettings = org.DEFAULT_SETTINGS, **data) -> Assignment:
        resolver = LaneResolver(lambda: session, settings, today=lambda: TODAY)
        return resolver.resolve(fake_task(lane, **data))
    return _resolve


def test_every_lane(resolve, chart):
    people = chart.people
    assert resolve("Pegawai", nip="123").assignee == "123"
    assert resolve("Pejabat Penilai", jabatan_penilai_kode="KASI").assignee == people["kasi"].nip
    assert resolve("Atasan Pejabat Penilai", jabatan_atasan_penilai_kode="KABID").assignee == people["kabid"].nip
    assert resolve("Pengelola Kinerja", unit_kode="SEKSI") == Assignment(
        candidate_groups=["pengelola_kinerja:DISDUK"])
    assert resolve("Pimpinan Unit", unit_kode="SEKSI").assignee == people["kabid"].nip
    # The Wali Kota is elected (no NIP): the leader above an OPD is his group, or the Sekda for him.
    assert resolve("Pimpinan Unit", unit_kode="DISDUK") == Assignment(candidate_groups=["wali_kota"])
    sekda = resolve("Pimpinan Unit", OrgSettings(jpt_appraiser="sekda"), unit_kode="DISDUK")
    assert sekda.assignee == people["sekda"].nip
    # The leader of the calibration unit when the cycle names one (an appeal re-opening the calibration).
    assert resolve("Pimpinan Unit", unit_kode="SEKSI", unit_kalibrasi_kode="DISDUK") == Assignment(
        candidate_groups=["wali_kota"])
    # Who decides an appeal: the appraiser's superior or who decides instead (appeals.choose_decider).
    assert resolve("Pemutus Keberatan", jabatan_pemutus_keberatan_kode="KABID").assignee == people["kabid"].nip


def test_attributes_and_unknown_lanes_use_the_attribute_resolver(resolve):
    assert resolve("Pegawai", ext={"assignee": "rekan1"}, nip="123").assignee == "rekan1"
    assert resolve("Rekan Kerja", ext={"candidateGroups": "inspektorat"}) == Assignment(
        candidate_groups=["inspektorat"])
    assert resolve("Tim Lain") == Assignment()


@pytest.mark.parametrize(("lane", "data", "words"), [
    ("Pegawai", {}, "needs the process variable 'nip'"),
    ("Pejabat Penilai", {"jabatan_penilai_kode": "NOPE"}, "no position with code 'NOPE'"),
    ("Pengelola Kinerja", {"unit_kode": "NOPE"}, "no unit with code 'NOPE'"),
    ("Pimpinan Unit", {"unit_kode": "PEMKOT"}, "no unit above it"),
    ("Pimpinan Unit", {"unit_kode": "SEKSI", "unit_kalibrasi_kode": "NOPE"}, "unit_kalibrasi_kode: no unit"),
    ("Pemutus Keberatan", {}, "jabatan_pemutus_keberatan_kode"),
])
def test_unresolvable_lanes_say_why(resolve, lane, data, words):
    with pytest.raises(UnresolvedLane, match=words):
        resolve(lane, **data)


def test_vacant_post_without_acting_official_is_unresolved(session, resolve, chart):
    org.transfer(session, chart.people["kasi"], chart.positions["JF"], date(2026, 3, 1))
    with pytest.raises(UnresolvedLane, match=r"KASI .* vacant on 2026-03-02 and has no valid Plt/Plh"):
        resolve("Pejabat Penilai", jabatan_penilai_kode="KASI")
    org.appoint_acting(session, chart.positions["KASI"], chart.people["koordinator"], "plt", date(2026, 3, 1),
                       date(2026, 5, 31), "SPT Kepala Dinas")
    assert resolve("Pejabat Penilai", jabatan_penilai_kode="KASI").assignee == chart.people["koordinator"].nip


def test_a_holder_not_aktif_leaves_the_post_to_a_plt_seen_at_once(session, resolve, chart):
    # Changed in this session and not yet flushed nor committed: the next resolution must see it.
    chart.people["kasi"].status = "tugas_belajar"
    with pytest.raises(UnresolvedLane, match=r"KASI .* vacant"):
        resolve("Pejabat Penilai", jabatan_penilai_kode="KASI")
    plt = chart.people["koordinator"]
    org.appoint_acting(session, chart.positions["KASI"], plt, "plt", date(2026, 3, 2), date(2026, 5, 31), "SPT")
    assert resolve("Pejabat Penilai", jabatan_penilai_kode="KASI") == Assignment(assignee=plt.nip, acting_for={
        "kind": "plt", "position_code": "KASI", "position_name": chart.positions["KASI"].name})
    # An appointment that starts tomorrow does not act today; the holder back at work does.
    chart.people["kasi"].status = "aktif"
    org.appoint_acting(session, chart.positions["KABID"], plt, "plh", date(2026, 3, 3), date(2026, 3, 9), "cuti")
    assert resolve("Atasan Pejabat Penilai", jabatan_atasan_penilai_kode="KABID") == Assignment(
        assignee=chart.people["kabid"].nip)


def test_no_session_outside_an_engine_step():
    with pytest.raises(UnresolvedLane, match="needs a database session"):
        LaneResolver().resolve(fake_task("Pegawai", nip="1"))


@pytest.fixture
def lane_resolver():
    previous = get_resolver()
    set_resolver(LaneResolver())
    yield
    set_resolver(previous)


def open_task(session, instance_id: int) -> HumanTask:
    session.expire_all()
    return session.execute(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.state == "open")).scalar_one()


def test_lanes_end_to_end_and_a_plt_takes_the_next_task(session, chart, deploy, lane_resolver):
    clock.set(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))  # 10:00 WITA
    deploy("workflows/lanes.bpmn")
    staf, kasi, plt = chart.people["staf"], chart.people["kasi"], chart.people["koordinator"]
    instance = instances.start(session, specs.require_latest(session, "skp_lanes"), {
        "nip": staf.nip, "jabatan_penilai_kode": "KASI", "rekan": chart.people["staf2"].nip}, "2026-staf")
    session.commit()
    draft = open_task(session, instance.id)
    assert (draft.bpmn_id, draft.lane, draft.assignee) == ("draft", "Pegawai", staf.nip)
    tasks.complete(session, draft.id, staf.nip)
    session.commit()
    approve = open_task(session, instance.id)
    assert (approve.bpmn_id, approve.assignee) == ("approve", kasi.nip)
    assert "assignment_error" not in approve.properties

    # The Kasi goes on leave: a Plh appointed in the same transaction takes the next task.
    org.appoint_acting(session, chart.positions["KASI"], plt, "plh", date(2026, 3, 2), date(2026, 3, 13),
                       "Kepala Seksi cuti tahunan")
    tasks.complete(session, approve.id, kasi.nip)
    session.commit()
    rate = open_task(session, instance.id)
    assert (rate.bpmn_id, rate.assignee) == ("rate", plt.nip)
    assert tasks.may_complete(rate, plt.nip) and not tasks.may_complete(rate, kasi.nip)

    tasks.complete(session, rate.id, plt.nip)
    session.commit()
    feedback = open_task(session, instance.id)
    assert (feedback.bpmn_id, feedback.assignee) == ("feedback", chart.people["staf2"].nip)


def test_after_the_plh_ends_the_holder_gets_the_task_again(session, chart, deploy, lane_resolver):
    deploy("workflows/lanes.bpmn")
    org.appoint_acting(session, chart.positions["KASI"], chart.people["koordinator"], "plh", date(2026, 3, 2),
                       date(2026, 3, 13), "Kepala Seksi cuti tahunan")
    session.commit()
    clock.set(datetime(2026, 3, 14, 2, 0, tzinfo=UTC))
    staf = chart.people["staf"]
    instance = instances.start(session, specs.require_latest(session, "skp_lanes"), {
        "nip": staf.nip, "jabatan_penilai_kode": "KASI"}, "2026-staf")
    tasks.complete(session, open_task(session, instance.id).id, staf.nip)
    session.commit()
    assert open_task(session, instance.id).assignee == chart.people["kasi"].nip


def test_an_unresolvable_lane_leaves_the_task_visible_with_the_reason(session, chart, deploy, lane_resolver):
    deploy("workflows/lanes.bpmn")
    instance = instances.start(session, specs.require_latest(session, "skp_lanes"), {}, "2026-none")
    session.commit()
    task = open_task(session, instance.id)
    assert task.assignee is None and "needs the process variable 'nip'" in task.properties["assignment_error"]
