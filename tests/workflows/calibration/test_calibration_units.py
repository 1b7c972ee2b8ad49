"""Calibration units: OPD by default, a flagged unit on its own, membership from the records, re-runnable opening."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit import checks
from engine.clock import clock
from engine.definitions import specs
from engine.errors import InvalidInput, NotFound
from engine.models import (
    AuditChainHead,
    AuditEvent,
    ExternalTask,
    HumanTask,
    Instance,
    MessageSubscription,
    TaskCandidate,
)
from engine.runtime.lifecycle import instances
from tests.workflows.conftest import Chart
from tests.workflows.lifecycle import T0, bpmn_files
from workflows.calibration import calibration_units
from workflows.cycle import cycles
from workflows.cycle.cycles import open_cycle
from workflows.models.skp import Skp


@pytest.fixture
def deployed(session: Session, chart: Chart, script_functions: None) -> Chart:
    """Deploy bpmn/ with the clock at T0; add a UPTD below the dinas with a head and a staff member."""
    clock.set(T0)
    specs.deploy(session, bpmn_files(), "process-owner")
    chart.unit("UPTD", "uptd", "DISDUK")
    chart.position("KAUPTD", "pengawas", "UPTD", "KADIS", head=True)
    chart.position("STAFUPTD", "pelaksana", "UPTD", "KAUPTD")
    chart.person("kauptd", "KAUPTD")
    chart.person("stafuptd", "STAFUPTD")
    session.commit()
    return chart


def _open(session: Session, commit: Any = None) -> cycles.CycleSummary:
    return open_cycle(session, 2027, actor="tester", commit=commit or session.commit)


def _pegawai(session: Session, code: str) -> list[str]:
    row = session.execute(select(Instance).where(
        Instance.business_key == cycles.calibration_key(2027, code))).scalar_one()
    return sorted(instances.variables(instances.load(session, row.id))["pegawai"])


def test_sub_units_are_calibrated_with_their_opd_and_a_flagged_unit_on_its_own(session, deployed):
    people = {name: e.nip for name, e in deployed.people.items()}
    assert calibration_units.calibration_unit_of(session, "SEKSI").code == "DISDUK"
    assert calibration_units.calibration_unit_of(session, "UPTD").code == "DISDUK"
    calibration_units.set_calibration_unit(session, "UPTD", True, "bkpsdm")
    session.commit()
    assert calibration_units.calibration_unit_of(session, "UPTD").code == "UPTD"
    assert calibration_units.calibration_unit_of(session, "BIDANG").code == "DISDUK"
    [event] = session.execute(select(AuditEvent).where(AuditEvent.event_type == "calibration_unit_set")).scalars()
    assert event.actor == "bkpsdm"
    summary = _open(session)
    assert sorted(summary.kinds["kalibrasi_unit"].started) == ["DISDUK", "SETDA", "UPTD"]
    assert _pegawai(session, "UPTD") == sorted([people["kauptd"], people["stafuptd"]])
    assert people["stafuptd"] not in _pegawai(session, "DISDUK")
    assert people["staf"] in _pegawai(session, "DISDUK")
    # Members are read from the records: the open SKPs of the year in the units the calibration covers.
    assert calibration_units.members(session, "UPTD", 2027) == _pegawai(session, "UPTD")
    assert calibration_units.members(session, "DISDUK", 2027) == _pegawai(session, "DISDUK")
    # The cycle correlates its proposal with the calibration unit; the lanes still use its own unit.
    variables = instances.variables(instances.load(session, session.execute(select(Instance.id).where(
        Instance.business_key == cycles.cycle_key(2027, people["staf"]))).scalar_one()))
    assert (variables["unit_kode"], variables["unit_kalibrasi_kode"]) == ("SEKSI", "DISDUK")


def test_the_flag_is_refused_for_the_city_and_an_unknown_unit(session, deployed):
    with pytest.raises(InvalidInput):
        calibration_units.set_calibration_unit(session, "PEMKOT", True, "bkpsdm")
    with pytest.raises(NotFound):
        calibration_units.set_calibration_unit(session, "NOWHERE", True, "bkpsdm")
    session.rollback()
    assert not any(u.calibration_unit for u in deployed.units.values())


def test_cli_marks_a_unit_as_its_own_calibration_unit(cli, session, chart):
    session.rollback()  # SQLite: a reading transaction would keep the command waiting
    assert "SEKSI: own calibration unit" in cli("org", "calibration-unit", "SEKSI", "--actor", "bkpsdm")
    session.expire_all()
    assert calibration_units.calibration_unit_of(session, "SEKSI").code == "SEKSI"
    session.rollback()
    assert "SEKSI: calibrated with its OPD" in cli("org", "calibration-unit", "SEKSI", "--off")
    assert "no unit" in cli("org", "calibration-unit", "NOWHERE", code=1).lower()


def _state(session: Session) -> dict[str, Any]:
    """What an opening leaves: instances, each calibration's members, subscriptions and open tasks."""
    session.expire_all()
    rows = list(session.execute(select(Instance).order_by(Instance.business_key)).scalars())
    keys = {row.id: row.business_key for row in rows}
    return {
        "instances": [(r.process_id, r.business_key, r.status) for r in rows],
        "pegawai": {r.business_key: sorted(instances.variables(instances.load(session, r.id))["pegawai"])
                    for r in rows if r.process_id == "kalibrasi_unit"},
        "subscriptions": sorted((keys[s.instance_id], s.message_name, repr(s.correlations), s.correlation_key)
                                for s in session.execute(select(MessageSubscription)).scalars()),
        "tasks": sorted((keys[t.instance_id], t.bpmn_id) for t in session.execute(
            select(HumanTask).where(HumanTask.state == "open")).scalars()),
    }


def _commits_of_a_run(session: Session) -> int:
    count = [0]

    def counting() -> None:
        count[0] += 1
        session.rollback()  # only counted: the database stays as it was

    _open(session, counting)
    session.rollback()
    return count[0]


def _killed_at(session: Session, k: int, before: bool) -> None:
    """Run the opening and kill it at its k-th commit (before it, or right after it)."""
    count = [0]

    def commit() -> None:
        count[0] += 1
        if count[0] == k and before:
            raise KeyboardInterrupt
        session.commit()
        if count[0] == k:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _open(session, commit)
    session.rollback()


@pytest.mark.parametrize("before", [True, False], ids=["before-commit", "after-commit"])
def test_an_opening_killed_at_any_commit_and_run_again_ends_as_an_uninterrupted_one(session, deployed,
                                                                                    monkeypatch, before):
    monkeypatch.setattr(cycles, "BATCH_SIZE", 3)
    total = _commits_of_a_run(session)
    assert total >= 4  # calibrations, three batches of cycles, the membership check
    _open(session)
    expected = _state(session)
    for k in range(1, total + 1):
        _reset(session)  # a fresh city for each kill point
        _killed_at(session, k, before)
        _open(session)
        assert _state(session) == expected, f"killed {'before' if before else 'after'} commit {k}"
        assert checks.verify(session) == [], f"audit trail after a kill {'before' if before else 'after'} commit {k}"


def _reset(session: Session) -> None:
    """Delete every instance, its trail and the SKPs the cycles opened, as before the first opening."""
    for table in (TaskCandidate, HumanTask, ExternalTask, MessageSubscription, AuditEvent, AuditChainHead, Skp,
                  Instance):
        session.execute(table.__table__.delete())
    session.commit()


def test_new_hires_left_out_by_a_killed_run_join_their_calibration_on_the_next_run(session, deployed):
    _open(session)
    hires = [deployed.person(f"baru{i}", "STAF") for i in range(3)]
    session.commit()
    # The second run starts their cycles, then dies before the membership messages are committed.
    count = [0]

    def commit() -> None:
        count[0] += 1
        if count[0] == 2:  # the calibrations and unit ratings exist (no commit); 1: the new cycles; 2: members
            raise KeyboardInterrupt
        session.commit()

    with pytest.raises(KeyboardInterrupt):
        _open(session, commit)
    session.rollback()
    assert not {h.nip for h in hires} & set(_pegawai(session, "DISDUK"))
    again = _open(session)
    assert again.kinds["siklus_kinerja"].started == []  # their cycles count as started ...
    assert sorted(again.kinds["kalibrasi_unit"].joined) == sorted(h.nip for h in hires)  # ... and still join
    assert {h.nip for h in hires} <= set(_pegawai(session, "DISDUK"))
    assert _deliveries(session, "DISDUK") == 1  # one message for the three of them
    assert _open(session).kinds["kalibrasi_unit"].joined == []  # no duplicates
    assert _deliveries(session, "DISDUK") == 1


def _deliveries(session: Session, code: str) -> int:
    """Return how many messages the 2027 calibration of `code` received."""
    row = session.execute(select(Instance.id).where(
        Instance.business_key == cycles.calibration_key(2027, code))).scalar_one()
    return len(session.execute(select(AuditEvent.id).where(
        AuditEvent.instance_id == row, AuditEvent.event_type == "message_delivered")).all())


def test_members_on_record_join_in_one_message_per_calibration_listed_in_order(session, deployed):
    open_cycle(session, 2027, "SEKSI", actor="tester", commit=session.commit)  # lists the seksi's members only
    seksi_only = _pegawai(session, "DISDUK")
    hires = sorted(deployed.person(f"baru{i}", "STAF").nip for i in range(4))
    session.commit()
    again = _open(session)
    joined = again.kinds["kalibrasi_unit"].joined
    assert set(hires) <= set(joined) and len(joined) > len(hires)  # the hires and the rest of the dinas
    assert _deliveries(session, "DISDUK") == 1 and _deliveries(session, "SETDA") == 0
    row = session.execute(select(Instance).where(Instance.business_key == "kalibrasi:2027:DISDUK")).scalar_one()
    listed = instances.variables(instances.load(session, row.id))["pegawai"]
    assert listed[:len(seksi_only)] == seksi_only
    assert listed[len(seksi_only):] == sorted(joined)  # appended once each, in NIP order
    assert sorted(listed) == calibration_units.members(session, "DISDUK", 2027)
    assert _open(session).kinds["kalibrasi_unit"].joined == []


def test_a_calibration_of_an_earlier_version_gets_one_message_per_member(session, chart, script_functions):
    clock.set(T0)
    files = bpmn_files()
    # kalibrasi_unit as deployed before membership messages could name several employees
    earlier = files["kalibrasi_unit.bpmn"].decode().replace(
        "penilaian_masuk.get('nips') or [penilaian_masuk['nip']]", "[penilaian_masuk['nip']]")
    assert earlier != files["kalibrasi_unit.bpmn"].decode()
    specs.deploy(session, {**files, "kalibrasi_unit.bpmn": earlier.encode()}, "process-owner")
    session.commit()
    open_cycle(session, 2027, "SEKSI", actor="tester", commit=session.commit)
    again = _open(session)
    joined = again.kinds["kalibrasi_unit"].joined
    assert len(joined) > 1 and _deliveries(session, "DISDUK") == len(joined)
    assert _pegawai(session, "DISDUK") == calibration_units.members(session, "DISDUK", 2027)
    assert session.execute(select(Instance.id).where(Instance.status == "error")).first() is None


def test_several_members_leave_a_calibration_in_one_message(session, deployed):
    _open(session)
    leaving = calibration_units.members(session, "DISDUK", 2027)[:3]
    before = _deliveries(session, "DISDUK")
    assert calibration_units.send_membership(session, "DISDUK", 2027, leaving, "keluar", "tester") == 1
    session.commit()
    assert not set(leaving) & set(_pegawai(session, "DISDUK"))
    assert _deliveries(session, "DISDUK") == before + 1
    with pytest.raises(InvalidInput):
        calibration_units.send_membership(session, "DISDUK", 2027, leaving, "pindah", "tester")


def test_a_member_who_arrives_after_the_calibration_ended_is_reported_not_lost(session, deployed):
    from engine.runtime.events import messages
    from engine.runtime.human_tasks import tasks
    _open(session)
    sekda = deployed.people["sekda"].nip
    messages.send(session, "penilaian_selesai", {"nip": sekda, "unit_kode": "SETDA", "tahun": 2027,
                                                 "predikat_usulan": "baik"}, "tester")
    [capaian] = session.execute(select(HumanTask).join(Instance).where(
        Instance.business_key == "kalibrasi:2027:SETDA", HumanTask.bpmn_id == "Task_tetapkan_capaian")).scalars()
    tasks.claim(session, capaian.id, "walikota", ("operators",))
    tasks.complete(session, capaian.id, "walikota", {"capaian_unit": "baik", "dasar_capaian": "PK"}, ("operators",))
    session.commit()
    setda = session.execute(select(Instance).where(Instance.business_key == "kalibrasi:2027:SETDA")).scalar_one()
    assert setda.status == "completed"
    deployed.position("STAFSETDA", "pelaksana", "SETDA", "SEKDA")
    late = deployed.person("staf_setda", "STAFSETDA")
    session.commit()
    again = _open(session)
    assert again.kinds["siklus_kinerja"].started == [late.nip]
    assert again.kinds["kalibrasi_unit"].joined == []
    assert again.kinds["kalibrasi_unit"].problems == [
        (late.nip, "kalibrasi:2027:SETDA no longer takes members: calibrate by hand")]


def test_the_opds_curve_and_publication_count_its_sub_units(session, deployed):
    from workflows.organisation import org
    from workflows.publishing import documents
    from workflows.rating import ratings
    _open(session)
    members = calibration_units.members(session, "DISDUK", 2027)
    for skp in session.execute(select(Skp).where(Skp.year == 2027)).scalars():
        ratings.change_predikat(session, skp, "baik", "kalibrasi", "tester")
    session.flush()
    disduk, seksi = org.unit_by_code(session, "DISDUK"), org.unit_by_code(session, "SEKSI")
    assert ratings.distribution(session, disduk, 2027)["baik"] == len(members) > 5
    assert ratings.distribution(session, seksi, 2027)["baik"] == 4  # a sub-unit alone: its own SKPs
    publication = documents.publish_unit(session, disduk, 2027, "tester")
    assert (publication.aggregate["jumlah_pegawai"], publication.aggregate["jumlah_dinilai"]) == (len(members),
                                                                                                 len(members))
