"""tindak_lanjut: development plan, the 6-month improvement period, the talent pool."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from tests.workflows.lifecycle import (
    NIP_ANI,
    T0,
    Lifecycle,
    siklus_data,
)
from workflows import org
from workflows.models import DevelopmentPlan, TalentPoolEntry

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["tindak_lanjut.bpmn"]


def start(lifecycle: Lifecycle, predikat: str, tahun_lalu: str | None = None) -> int:
    lifecycle.give_predikat(NIP_ANI, predikat)  # the final predikat, as the earlier stages record it
    return lifecycle.start("tindak_lanjut", siklus_data(NIP_ANI, predikat=predikat,
                                                         predikat_tahun_lalu=tahun_lalu), key="k")


@pytest.mark.parametrize("predikat", ["butuh_perbaikan", "kurang_misconduct"])
def test_development_plan_below_baik(lifecycle: Lifecycle, predikat):
    iid = start(lifecycle, predikat)
    plan = lifecycle.task(iid, "Task_rencana_pengembangan")
    assert plan.assignee == "kasi_a"
    lifecycle.do(iid, "Task_rencana_pengembangan", {"rekomendasi_pelatihan": "Pelatihan pelayanan prima",
                                                     "target_kompetensi": "Kompetensi teknis level 3"})
    assert lifecycle.status(iid) == "completed"
    assert lifecycle.variables(iid)["talent_pool"] is False
    plan = lifecycle.session.execute(select(DevelopmentPlan)).scalar_one()
    assert (plan.reason_predikat, plan.training_recommendation) == (predikat, "Pelatihan pelayanan prima")
    assert plan.improvement_until is None  # only Sangat Kurang has the 6-month improvement period


def test_sangat_kurang_gets_six_months_to_improve(lifecycle: Lifecycle):
    iid = start(lifecycle, "sangat_kurang")
    lifecycle.do(iid, "Task_rencana_pengembangan", {"rekomendasi_pelatihan": "Bimbingan intensif",
                                                     "target_kompetensi": "Target utama tercapai"})
    assert lifecycle.status(iid) == "waiting"
    plan = lifecycle.session.execute(select(DevelopmentPlan)).scalar_one()
    # The plan runs until the end of the improvement period: 6 months from 4 January 2027 (WITA).
    assert (plan.reason_predikat, plan.improvement_until) == ("sangat_kurang", date(2027, 7, 4))
    due = lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC)
    assert due == T0 + relativedelta(months=6)  # masa_perbaikan P6M (PP 30/2019 Ps 57)
    assert lifecycle.worker(datetime(2027, 7, 1, tzinfo=UTC)) == []
    assert lifecycle.worker(due + timedelta(seconds=1)) == [iid]
    lifecycle.do(iid, "Task_evaluasi_perbaikan", {"hasil_masa_perbaikan": "tidak_membaik",
                                                   "catatan_masa_perbaikan": "Diteruskan ke PPK"})
    assert lifecycle.status(iid) == "completed"
    assert lifecycle.variables(iid)["hasil_masa_perbaikan"] == "tidak_membaik"
    lifecycle.session.expire_all()
    plan = lifecycle.session.execute(select(DevelopmentPlan)).scalar_one()
    assert (plan.outcome, plan.evaluation_note) == ("tidak_membaik", "Diteruskan ke PPK")
    assert plan.evaluated_at is not None
    assert [a for a, d in lifecycle.events(iid) if a == "development_plan_evaluated"] == ["development_plan_evaluated"]


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
