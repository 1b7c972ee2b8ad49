"""A cycle opened after its deadlines says so and waits for a confirmation or later deadlines."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.definitions import specs
from engine.models import AuditEvent, Instance
from tests.workflows.conftest import Chart
from tests.workflows.lifecycle import BPMN_DIR, T0, bpmn_files
from workflows.cycle.cycle_deadlines import LateOpening
from workflows.cycle.cycles import CycleSettings, open_cycle

WITA = clock.local_tz
FEBRUARY = datetime(2027, 2, 10, 9, 0, tzinfo=WITA)  # after the default SKP deadline of 31 January


def _deploy(session: Session, files: dict[str, bytes] | None = None) -> None:
    clock.set(T0)
    specs.deploy(session, files or bpmn_files(), "process-owner")
    session.commit()


def _instances(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Instance)).scalar_one()


def _open(session: Session, **kwargs):
    return open_cycle(session, 2027, "SEKSI", actor="bkpsdm", commit=session.commit, **kwargs)


def test_opening_after_the_skp_deadline_is_refused_and_starts_nothing(session, chart: Chart, script_functions):
    _deploy(session)
    clock.set(FEBRUARY)
    with pytest.raises(LateOpening) as refused:
        _open(session)
    assert "batas_skp = 2027-01-31T23:59:59+08:00" in refused.value.message
    assert "--confirm-late" in refused.value.message and "--batas-skp" in refused.value.message
    session.rollback()
    assert _instances(session) == 0


def test_a_confirmed_late_opening_starts_and_is_audited(session, chart: Chart, script_functions):
    _deploy(session)
    clock.set(FEBRUARY)
    summary = _open(session, confirm_late=True)
    assert summary.kinds["siklus_kinerja"].started
    [event] = session.execute(select(AuditEvent).where(AuditEvent.event_type == "cycle_opened_late")).scalars()
    assert event.actor == "bkpsdm"
    assert json.loads(event.data)["deadlines"] == {"batas_skp": "2027-01-31T23:59:59+08:00"}
    # Running it again starts nothing new, so it needs no new confirmation.
    again = _open(session)
    assert again.kinds["siklus_kinerja"].started == [] and again.kinds["siklus_kinerja"].existing


def test_a_later_deadline_set_by_the_operator_opens_without_confirmation(session, chart: Chart, script_functions):
    _deploy(session)
    clock.set(FEBRUARY)
    summary = _open(session, settings=CycleSettings(batas_skp="2027-03-15"))
    assert summary.kinds["siklus_kinerja"].started


def test_the_default_deadline_is_read_from_the_process(session, chart: Chart, script_functions):
    files = bpmn_files()
    files["siklus_kinerja.bpmn"] = files["siklus_kinerja.bpmn"].replace(
        b"f'{tahun}-01-31T23:59:59+08:00'", b"f'{tahun}-02-28T23:59:59+08:00'")
    _deploy(session, files)
    clock.set(FEBRUARY)
    assert _open(session).kinds["siklus_kinerja"].started


def test_cli_says_which_deadlines_passed(cli, session: Session, chart: Chart):
    clock.set(T0)
    cli("bpmn", "deploy", str(BPMN_DIR))
    clock.set(FEBRUARY)
    out = cli("cycle", "open", "2027", "--unit", "SEKSI", code=1)
    assert "batas_skp = 2027-01-31T23:59:59+08:00 (passed 2027-01-31 23:59 WITA)" in out
    assert "--confirm-late" in out
    out = cli("cycle", "open", "2027", "--unit", "SEKSI", "--confirm-late", "--actor", "bkpsdm")
    assert "siklus_kinerja: 4 started" in out


def test_demo_for_a_past_year_asks_for_confirmation(cli):
    clock.set(T0)
    out = cli("demo", "--year", "2026", code=1)
    assert "the 2026 cycle's deadlines have already passed" in out and "batas_skp = 2026-01-31" in out
