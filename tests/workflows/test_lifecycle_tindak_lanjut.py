"""tindak_lanjut: development plan and its acknowledgement, the improvement period, the PPK path, the talent pool."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from engine.errors import KinerjaError
from engine.models import HumanTask
from engine.runtime.human_tasks import tasks
from tests.workflows.lifecycle import (
    NIP_ANI,
    T0,
    Lifecycle,
    siklus_data,
)
from workflows.models import DevelopmentPlan, SanctionDecision, TalentPoolEntry
from workflows.organisation import org

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["tindak_lanjut.bpmn"]
#: The cycle settings siklus_kinerja gives (its defaults): who recommends and who decides after no improvement.
SETTINGS = {"tim_penilai_kinerja": "tim_penilai_kinerja", "grup_ppk": "wali_kota"}


def start(lifecycle: Lifecycle, predikat: str, tahun_lalu: str | None = None) -> int:
    lifecycle.give_predikat(NIP_ANI, predikat)  # the final predikat, as the earlier stages record it
    return lifecycle.start("tindak_lanjut", siklus_data(NIP_ANI, predikat=predikat, predikat_tahun_lalu=tahun_lalu,
                                                         **SETTINGS), key="k")


def set_plan(lifecycle: Lifecycle, iid: int) -> None:
    """The appraiser sets the plan and the employee acknowledges it."""
    lifecycle.do(iid, "Task_rencana_pengembangan", {"rekomendasi_pelatihan": "Bimbingan intensif",
                                                     "target_kompetensi": "Target utama tercapai"})
    lifecycle.do(iid, "Task_akui_rencana")


@pytest.mark.parametrize("predikat", ["butuh_perbaikan", "kurang_misconduct"])
def test_development_plan_below_baik(lifecycle: Lifecycle, predikat):
    iid = start(lifecycle, predikat)
    plan = lifecycle.task(iid, "Task_rencana_pengembangan")
    assert plan.assignee == "kasi_a"
    lifecycle.do(iid, "Task_rencana_pengembangan", {"rekomendasi_pelatihan": "Pelatihan pelayanan prima",
                                                     "target_kompetensi": "Kompetensi teknis level 3"})
    # The employee reads the plan in their own inbox and acknowledges it; the time is recorded.
    ack = lifecycle.task(iid, "Task_akui_rencana")
    assert ack.assignee == NIP_ANI
    assert lifecycle.session.execute(select(DevelopmentPlan)).scalar_one().acknowledged_at is None
    lifecycle.complete(ack)
    assert lifecycle.status(iid) == "completed"
    assert lifecycle.variables(iid)["talent_pool"] is False
    plan = lifecycle.session.execute(select(DevelopmentPlan)).scalar_one()
    assert (plan.reason_predikat, plan.training_recommendation) == (predikat, "Pelatihan pelayanan prima")
    assert plan.improvement_until is None  # only Sangat Kurang has the 6-month improvement period
    assert (plan.acknowledged_by, plan.acknowledged_at.replace(tzinfo=UTC)) == (NIP_ANI, T0)
    assert [a for a, _ in lifecycle.events(iid) if a == "development_plan_acknowledged"] == [
        "development_plan_acknowledged"]


def test_sangat_kurang_gets_six_months_to_improve(lifecycle: Lifecycle):
    iid = start(lifecycle, "sangat_kurang")
    set_plan(lifecycle, iid)
    assert lifecycle.status(iid) == "waiting"
    plan = lifecycle.session.execute(select(DevelopmentPlan)).scalar_one()
    # The plan runs until the end of the improvement period: 6 months from 4 January 2027 (WITA).
    assert (plan.reason_predikat, plan.improvement_until) == ("sangat_kurang", date(2027, 7, 4))
    due = lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC)
    assert due == T0 + relativedelta(months=6)  # masa_perbaikan P6M (PP 30/2019 Ps 57)
    assert lifecycle.worker(datetime(2027, 7, 1, tzinfo=UTC)) == []
    assert lifecycle.worker(due + timedelta(seconds=1)) == [iid]
    lifecycle.do(iid, "Task_evaluasi_perbaikan", {"hasil_masa_perbaikan": "membaik",
                                                   "catatan_masa_perbaikan": "Target tercapai"})
    assert lifecycle.status(iid) == "completed"  # improved: nothing goes to the PPK
    lifecycle.session.expire_all()
    plan = lifecycle.session.execute(select(DevelopmentPlan)).scalar_one()
    assert (plan.outcome, plan.evaluation_note) == ("membaik", "Target tercapai")
    assert plan.evaluated_at is not None
    assert [a for a, d in lifecycle.events(iid) if a == "development_plan_evaluated"] == ["development_plan_evaluated"]
    assert lifecycle.session.execute(select(SanctionDecision)).first() is None


def as_member(lifecycle: Lifecycle, row: HumanTask, user: str, data: dict[str, Any]) -> None:
    """A member of the task's candidate group claims it and completes it."""
    groups = tuple(c.value for c in row.candidates if c.kind == "group")
    tasks.claim(lifecycle.session, row.id, user, groups)
    lifecycle.session.commit()
    lifecycle.complete(row, data, actor=user)


def no_improvement(lifecycle: Lifecycle) -> int:
    """Sangat Kurang, the plan acknowledged, six months later no improvement."""
    iid = start(lifecycle, "sangat_kurang")
    set_plan(lifecycle, iid)
    lifecycle.worker(T0 + relativedelta(months=6) + timedelta(seconds=1))
    lifecycle.do(iid, "Task_evaluasi_perbaikan", {"hasil_masa_perbaikan": "tidak_membaik",
                                                   "catatan_masa_perbaikan": "Target utama tetap tidak tercapai"})
    return iid


def test_no_improvement_goes_to_the_tim_penilai_kinerja_then_the_ppk(lifecycle: Lifecycle):
    iid = no_improvement(lifecycle)
    assert lifecycle.status(iid) == "running"  # not ended: the case is with the Tim Penilai Kinerja
    recommend = lifecycle.task(iid, "Task_rekomendasi_tpk")
    assert {c.value for c in recommend.candidates if c.kind == "group"} == {"tim_penilai_kinerja"}
    as_member(lifecycle, recommend, "tpk1", {"rekomendasi_ppk": "uji_kompetensi",
                                             "alasan_rekomendasi": "Uji kompetensi ulang sesuai Ps 57"})
    decide = lifecycle.task(iid, "Task_keputusan_ppk")
    assert {c.value for c in decide.candidates if c.kind == "group"} == {"wali_kota"}
    # The PPK sees the recommendation and the reason it is asked to decide on.
    assert lifecycle.variables(iid)["rekomendasi_ppk"] == "uji_kompetensi"
    as_member(lifecycle, decide, "walikota", {"keputusan_ppk": "pemindahan",
                                              "alasan_keputusan": "Ada formasi yang sesuai"})
    assert lifecycle.status(iid) == "completed"
    lifecycle.session.expire_all()
    row = lifecycle.session.execute(select(SanctionDecision)).scalar_one()
    assert (row.recommendation, row.recommended_by, row.decision, row.decision_reason, row.decided_by) == (
        "uji_kompetensi", "tpk1", "pemindahan", "Ada formasi yang sesuai", "walikota")
    decided = lifecycle.events(iid, "sanction_decided")
    assert [d["keputusan"] for _, d in decided] == ["pemindahan"] and decided[0][1]["sesuai_rekomendasi"] is False


def test_the_ppk_must_give_a_reason(lifecycle: Lifecycle):
    iid = no_improvement(lifecycle)
    lifecycle.do(iid, "Task_rekomendasi_tpk", {"rekomendasi_ppk": "penurunan_jabatan",
                                                "alasan_rekomendasi": "Tidak ada formasi setara"})
    decide = lifecycle.task(iid, "Task_keputusan_ppk")
    with pytest.raises(KinerjaError):
        as_member(lifecycle, decide, "walikota", {"keputusan_ppk": "penurunan_jabatan", "alasan_keputusan": ""})
    with pytest.raises(KinerjaError):
        lifecycle.complete(decide, {"keputusan_ppk": "pemberhentian", "alasan_keputusan": "x"}, actor="walikota")
    # Refused input leaves the task open and nothing decided.
    assert lifecycle.task(iid, "Task_keputusan_ppk").id == decide.id
    assert lifecycle.session.execute(select(SanctionDecision)).scalar_one().decision is None


def test_the_ppk_group_and_the_tim_are_settings(lifecycle: Lifecycle):
    lifecycle.give_predikat(NIP_ANI, "sangat_kurang")
    iid = lifecycle.start("tindak_lanjut", siklus_data(NIP_ANI, predikat="sangat_kurang", masa_perbaikan="P1M",
                                                        tim_penilai_kinerja="tpk_kota", grup_ppk="sekda"), key="k")
    set_plan(lifecycle, iid)
    lifecycle.worker(T0 + relativedelta(months=1) + timedelta(seconds=1))
    lifecycle.do(iid, "Task_evaluasi_perbaikan", {"hasil_masa_perbaikan": "tidak_membaik"})
    assert {c.value for c in lifecycle.task(iid, "Task_rekomendasi_tpk").candidates} == {"tpk_kota"}
    lifecycle.do(iid, "Task_rekomendasi_tpk", {"rekomendasi_ppk": "penempatan_sementara",
                                                "alasan_rekomendasi": "Belum ada formasi"})
    assert {c.value for c in lifecycle.task(iid, "Task_keputusan_ppk").candidates} == {"sekda"}


@pytest.mark.parametrize("predikat, tahun_lalu, talent_pool", [
    ("sangat_baik", "sangat_baik", True),
    ("sangat_baik", "baik", False),
    ("sangat_baik", None, False),
    ("baik", "sangat_baik", False),
])
def test_talent_pool_after_two_years_sangat_baik(lifecycle: Lifecycle, predikat, tahun_lalu, talent_pool):
    iid = start(lifecycle, predikat, tahun_lalu)
    assert lifecycle.status(iid) == "completed" and lifecycle.open_tasks(iid) == []
    assert lifecycle.variables(iid)["talent_pool"] is talent_pool
    assert lifecycle.session.execute(select(DevelopmentPlan)).first() is None
    entries = lifecycle.session.execute(select(TalentPoolEntry)).scalars().all()
    assert [(e.year, e.employee_id) for e in entries] == (
        [(2027, org.employee_by_nip(lifecycle.session, NIP_ANI).id)] if talent_pool else [])
