"""A cycle run with multi-rater feedback through the engine: the raters' tasks, answers and audit events.

A newcomer in Reza's seksi (appraised by Teguh Prasetyo) gets a 2027 cycle with `pakai_umpan_balik_rekan`;
the year is driven with the lifecycle helpers up to the annual rating: Teguh picks three colleagues, each
answers their confidential task (`task_data_confidential` in the audit trail), the newcomer assesses himself.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from engine.clock import clock
from tests.webui.rating_fixtures import APPRAISER, RATERS
from tests.workflows.lifecycle import Lifecycle
from workflows.cycle import cycles
from workflows.models import Employee
from workflows.models.skp import BERAKHLAK
from workflows.organisation import org
from workflows.organisation.demo_org import demo_password
from workflows.signin import accounts

#: The newcomer (a NIP the demo city does not hold) and the position he takes in Teguh's seksi.
NEWCOMER = "199702142022031009"
NEWCOMER_NAME = "Dimas Pratama, S.Kom."
POSITION = "KINERJA-PENGOLAH"


def to_feedback(session: Session) -> None:
    """Add the newcomer and his account, start his cycle with peer feedback, drive it to the annual rating."""
    employee = Employee(nip=NEWCOMER, name=NEWCOMER_NAME, kind="pns", status="aktif", gender="L",
                        updated_at=clock.now())
    session.add(employee)
    org.transfer(session, employee, org.position_by_code(session, POSITION), date(2026, 1, 2))
    account, _ = accounts.create_account(session, NEWCOMER, "admin")
    account.set_password(demo_password(NEWCOMER))
    account.must_change_password = False
    data, _ = cycles.plan_one(session, employee, 2027)
    assert data is not None
    session.commit()
    lifecycle = Lifecycle(session)
    cycle = lifecycle.start("siklus_kinerja", {**data, "pakai_umpan_balik_rekan": True},
                            cycles.cycle_key(2027, NEWCOMER))
    lifecycle.agree_skp(cycle)
    lifecycle.monitor_year(cycle)
    lifecycle.do(cycle, "Task_pilih_rekan", {"daftar_rekan": list(RATERS)}, APPRAISER)
    for i, row in enumerate(lifecycle.open_tasks(cycle, "Task_beri_umpan_balik_berakhlak")):
        lifecycle.complete(row, {**dict.fromkeys(BERAKHLAK, 3 + i % 2), "komentar": f"Jawaban rahasia {i + 1}."})
    lifecycle.do(cycle, "Task_penilaian_diri", dict.fromkeys(BERAKHLAK, 5))
    assert [row.bpmn_id for row in lifecycle.open_tasks(cycle)] == ["Task_nilai"]
