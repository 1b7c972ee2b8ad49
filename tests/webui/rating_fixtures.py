"""The demo city moved on to the rating, calibration and appeal stages, for the rating pages' tests.

Each stage is built once per test module on a copy of the demo template (through the real engine: the
employee's cycle is driven through the year with the lifecycle helpers, messages routed, worker passes
moving the engine clock); each test then gets its own copy of that stage, so tests may change it freely.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.models import HumanTask, Instance
from engine.runtime.events import messages
from engine.runtime.human_tasks import tasks
from tests.demo_city import T0, create_app_for_tests, database_copy
from tests.workflows.lifecycle import Lifecycle
from workflows.calibration import calibration_units
from workflows.planning import skp as skp_records
from workflows.rating import ratings

#: Reza Maulana (Pengolah Data Kinerja, BKPSDM), appraised by Teguh Prasetyo (Kepala Seksi).
RATED = "199512202020121005"
APPRAISER = "198410112010011003"
#: Teguh heads his seksi: he is rated by the unit's rating (capaian_unit) and per value, by Bambang (Kabid PKP).
HEAD_APPRAISER = "197912302005011008"
#: Colleagues who answered Reza's multi-rater feedback: their names and NIPs must never reach his or
#: his appraiser's pages.
RATERS = ("199610192021031018", "199812122023212019", "199207132022212006")
CALIBRATION_UNIT = "BKPSDM"
LEADER = "walikota"
LEADER_GROUPS = ("wali_kota",)
CALIBRATION_REASON = "Capaian unit Baik menuntut sebaran predikat."


def cycle_of(session: Session, nip: str) -> int:
    """Return the id of the employee's 2027 cycle."""
    return session.execute(select(Instance.id).where(Instance.business_key == f"skp:2027:{nip}")).scalar_one()


def open_task(session: Session, bpmn_id: str, instance_id: int | None = None) -> HumanTask:
    """Return the one open task with this BPMN id (of the instance, when given)."""
    session.expire_all()
    query = select(HumanTask).where(HumanTask.bpmn_id == bpmn_id, HumanTask.state == "open")
    if instance_id is not None:
        query = query.where(HumanTask.instance_id == instance_id)
    [row] = session.execute(query).scalars().all()
    return row


def act(session: Session, row: HumanTask, user: str, groups: tuple[str, ...], data: dict[str, Any]) -> None:
    """Complete a task as user (claiming a group task first), and commit."""
    if row.assignee is None and row.claimed_by is None:
        tasks.claim(session, row.id, user, groups)
    tasks.complete(session, row.id, user, data, groups)
    session.commit()


def to_rating(session: Session) -> None:
    """Agree Reza's and Teguh's SKP, go through the year, record three colleagues' and Reza's own answers."""
    lifecycle = Lifecycle(session)
    # Reza first: once his appraiser's SKP is in, his own RHK would have to intervene on it.
    cycles = [cycle_of(session, nip) for nip in (RATED, APPRAISER)]
    for cycle in cycles:
        lifecycle.agree_skp(cycle)
    for _ in range(12):  # period by period, both together: the clock only moves forward
        data = lifecycle.variables(cycles[0])
        for cycle in cycles:
            lifecycle.monitor_period(cycle)
        if data["periode_ke"] == len(data["periode"]):
            break
    for cycle in cycles:  # past the end of the year: the annual rating opens
        if lifecycle.instance(cycle).next_timer_at is not None and not lifecycle.open_tasks(cycle):
            lifecycle.next_timer(cycle)
    cycle = cycle_of(session, RATED)
    skp = skp_records.skp_of_instance(session, cycle)
    assert skp is not None
    for i, nip in enumerate(RATERS):
        ratings.record_rater_response(session, skp, nip, "peer", dict.fromkeys(
            ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"),
            3 + i % 2), nip, comment=f"Komentar rekan nomor {i + 1}.")
    ratings.record_rater_response(session, skp, RATED, "self", {"akuntabel": 5}, RATED)
    session.commit()


def to_appeal(session: Session) -> None:
    """Rate Reza (Baik proposed), then the calibration lowers it to Butuh Perbaikan with its reason."""
    to_rating(session)
    cycle = cycle_of(session, RATED)
    Lifecycle(session).do(cycle, "Task_nilai", {
        "hasil_kerja": "sesuai", "perilaku": "sesuai", "catatan_penilaian": "Target layanan tercapai.",
        "penilaian_rhk": [{"rhk_id": item.id, "rating": "sesuai", "catatan": "Sesuai bukti dukung."}
                          for item in skp_records.require_skp(session, cycle).rhk],
        "penilaian_perilaku": dict.fromkeys(("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis",
                                             "loyal", "adaptif", "kolaboratif"), "sesuai")})
    messages.send(session, "predikat_final", {
        "nip": RATED, "tahun": 2027, "predikat": "butuh_perbaikan", "predikat_usulan": "baik",
        "predikat_sebelum": "baik", "alasan_kalibrasi": CALIBRATION_REASON}, LEADER)
    session.commit()


def to_calibration(session: Session) -> None:
    """Every BKPSDM member rated Baik, the unit rated Baik: the curve is broken, the leader adjusts."""
    calibration = session.execute(select(Instance.id).where(
        Instance.business_key == f"kalibrasi:2027:{CALIBRATION_UNIT}")).scalar_one()
    for nip in calibration_units.members(session, CALIBRATION_UNIT, 2027):
        messages.send(session, "penilaian_selesai", {
            "nip": nip, "unit_kode": CALIBRATION_UNIT, "unit_asal": CALIBRATION_UNIT, "tahun": 2027,
            "predikat_usulan": "baik", "is_kepala_unit": False, "capaian_unit": None, "perilaku": "sesuai"}, "test")
    session.commit()
    act(session, open_task(session, "Task_tetapkan_capaian", calibration), LEADER, LEADER_GROUPS,
        {"capaian_unit": "baik", "dasar_capaian": "Capaian Perjanjian Kinerja 2027."})
    act(session, open_task(session, "Task_tinjau_pelanggaran", calibration), LEADER, LEADER_GROUPS,
        {"tindakan_distribusi": "sesuaikan"})


def _build(url: str, tmp: Path, build: Callable[[Session], None]) -> datetime:
    """Run build on the database at url through an app (resolver, script functions); return the clock after."""
    clock.set(T0)  # the demo's day, whatever an earlier test left on the engine clock
    app = create_app_for_tests(url, tmp)
    with app.app_context():
        from webui.extensions import db
        build(db.session)
        now = clock.now()
        db.session.remove()
        db.engine.dispose()
    return now


class Stage:
    """A database at one stage of the year, copied per test."""

    def __init__(self, template: str, now: datetime) -> None:
        self.template, self.now = template, now

    def copy(self, tmp_path: Path, name: str) -> Iterator[str]:
        return database_copy(self.template, tmp_path, name)


def build_stage(demo_template: str, tmp: Path, label: str, build: Callable[[Session], None]) -> Iterator[Stage]:
    """Yield a Stage: a copy of the demo template moved on by build (once per module)."""
    copies = Stage(demo_template, clock.now()).copy(tmp, f"rating-{label}")
    url = next(copies)
    try:
        now = _build(url, tmp, build)
        yield Stage(url, now)
    finally:
        clock.set(None)
        next(copies, None)


def stage_app(stage: Stage, tmp_path: Path, make_app: Callable[..., Flask], name: str) -> Iterator[Flask]:
    """Yield an app on this test's own copy of the stage, the engine clock at the stage's time."""
    copies = stage.copy(tmp_path, name)
    url = next(copies)
    app = make_app(url)
    clock.set(stage.now)
    yield app
    next(copies, None)
