"""`kinerja cycle transfer`: the cycles of employees moved by an import follow them, and only them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.definitions import specs
from engine.models import Instance
from engine.runtime import instances
from tests.workflows.conftest import Chart
from tests.workflows.lifecycle import T0, bpmn_files
from workflows import org, transfers
from workflows.cycles import open_cycle
from workflows.models import Skp


@pytest.fixture
def opened(session: Session, chart: Chart, script_functions: None) -> Chart:
    """The chart with bpmn/ deployed and the 2027 cycle of BIDANG (and SEKSI) open."""
    clock.set(T0)
    specs.deploy(session, bpmn_files(), "process-owner")
    session.commit()
    open_cycle(session, 2027, "BIDANG", actor="tester", commit=session.commit)
    return chart


def test_moved_employees_are_found_and_their_cycles_follow_them(cli, session: Session, opened: Chart):
    staf = opened.people["staf"]
    assert transfers.moved_employees(session, 2027) == []
    # An import moves the staff member from the seksi to the bidang's functional position.
    org.transfer(session, staf, opened.positions["JF"], date(2027, 3, 1))
    session.commit()
    assert [e.nip for e in transfers.moved_employees(session, 2027)] == [staf.nip]

    session.rollback()
    out = cli("cycle", "transfer", "--all", "--year", "2027", "--actor", "bkpsdm")
    assert f"{staf.nip}: new cycle skp:2027:{staf.nip}:2" in out and "1 cycle(s) moved, 0 problem(s)" in out
    session.expire_all()
    old = session.execute(select(Instance).where(Instance.business_key == f"skp:2027:{staf.nip}")).scalar_one()
    assert (old.status, old.status_reason) == ("terminated", "Mutasi ke JF (Jabatan JF)")
    new = session.execute(select(Instance).where(
        Instance.business_key == f"skp:2027:{staf.nip}:2")).scalar_one()
    data = instances.variables(instances.load(session, new.id))
    assert (data["unit_kode"], data["jabatan_kode"], data["jabatan_penilai_kode"]) == ("BIDANG", "JF", "KABID")
    skps = list(session.execute(select(Skp).where(Skp.employee_id == staf.id).order_by(Skp.id)).scalars())
    assert [(s.status, s.period_start) for s in skps] == [("ditutup", date(2027, 1, 1)), ("draft", date(2027, 3, 1))]
    # The seksi and the bidang are calibrated with their dinas: the move keeps them in the same calibration.
    calibrations = {i.business_key: instances.variables(instances.load(session, i.id))["pegawai"]
                    for i in session.execute(select(Instance).where(
                        Instance.process_id == "kalibrasi_unit")).scalars()}
    assert list(calibrations) == ["kalibrasi:2027:DISDUK"]
    assert calibrations["kalibrasi:2027:DISDUK"].count(staf.nip) == 1
    assert data["unit_kalibrasi_kode"] == "DISDUK"
    session.rollback()
    # Nothing is left to move: a second run changes nothing.
    assert "0 cycle(s) moved" in cli("cycle", "transfer", "--all", "--year", "2027")


def test_the_command_needs_nips_or_all_and_reports_problems(cli, session: Session, opened: Chart):
    assert "give NIPs or --all" in cli("cycle", "transfer", "--year", "2027", code=1)
    session.rollback()
    assert "199912312020121001" in cli("cycle", "transfer", "199912312020121001", "--year", "2027", code=1)
