"""What the pengelola kinerja chases: the agency's cycles overdue at any stage, with the employee's name.

Read from the `human_task` and `instance` rows and the domain tables only: no workflow is restored, so
the list stays cheap for a whole city. Two kinds of rows:

- an open human task whose due date has passed (the stage is the task's process);
- an unended instance with no open task whose next deadline (`next_timer_at`) has passed: it waits
  past a stage deadline the worker has not acted on yet.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.models import HumanTask, Instance
from engine.runtime.running.execution import ENDED

from ..cycle import partial_period
from ..cycle.cycles import units_in_scope
from ..models.org import Employee, Unit
from ..models.skp import Skp

#: The processes of an employee's appraisal year; their tasks belong to an SKP.
EMPLOYEE_PROCESSES = ("siklus_kinerja", partial_period.PROCESS_ID)
#: Stage names shown to the pengelola, by the process a task belongs to.
STAGES = {
    "siklus_kinerja": "Siklus kinerja", "perencanaan_skp": "Perencanaan SKP",
    "pemantauan_kinerja": "Pemantauan kinerja", "umpan_balik_rekan": "Umpan balik rekan kerja",
    "penilaian_kinerja": "Penilaian kinerja", "keberatan": "Keberatan", "persetujuan": "Persetujuan dokumen",
    "tindak_lanjut": "Tindak lanjut", partial_period.PROCESS_ID: "Penilaian periode parsial (mutasi)",
}
WAITING = "Menunggu proses: batas waktu lewat"


@dataclass(frozen=True)
class Overdue:
    """One overdue item: whose appraisal, which stage and task, due when, how many days late."""

    nip: str
    nama: str
    unit_kode: str
    unit_nama: str
    tahun: int
    tahap: str
    tugas: str
    batas: datetime
    hari_terlambat: int
    penerima: str | None
    instance_id: int
    task_id: int | None

    def as_json(self) -> dict[str, Any]:
        """Return the row as JSON-ready data (the due date in ISO form)."""
        data = asdict(self)
        data["batas"] = self.batas.isoformat()
        return data


def overdue(session: Session, unit_code: str, tahun: int | None = None,
            now: datetime | None = None) -> list[Overdue]:
    """Return the overdue items of the employees appraised in the unit (an OPD) and its sub-units, most
    overdue first. The unit is the SKP's (the position the cycle was opened for)."""
    now = now or clock.now()
    unit_ids = {unit.id for unit in units_in_scope(session, unit_code)}
    rows: list[tuple[int, str, str, datetime | None, str | None, int | None]] = []
    late_tasks = session.execute(
        select(HumanTask.instance_id, HumanTask.process_id, HumanTask.name, HumanTask.bpmn_id, HumanTask.due_at,
               HumanTask.assignee, HumanTask.claimed_by, HumanTask.id)
        .join(Instance, Instance.id == HumanTask.instance_id)
        .where(HumanTask.state == "open", HumanTask.due_at < now, Instance.process_id.in_(EMPLOYEE_PROCESSES),
               Instance.status.not_in(ENDED))).all()
    with_task = set()
    for instance_id, process_id, name, bpmn_id, due, assignee, claimed_by, task_id in late_tasks:
        with_task.add(instance_id)
        rows.append((instance_id, STAGES.get(process_id, process_id), name or bpmn_id, due,
                     claimed_by or assignee, task_id))
    open_ids = set(session.execute(select(HumanTask.instance_id).where(HumanTask.state == "open")).scalars())
    for instance_id, due in session.execute(
            select(Instance.id, Instance.next_timer_at).where(
                Instance.process_id.in_(EMPLOYEE_PROCESSES), Instance.status.not_in(ENDED),
                Instance.next_timer_at < now)).all():
        if instance_id not in with_task and instance_id not in open_ids:
            rows.append((instance_id, WAITING, WAITING, due, None, None))
    skps = _skps_of(session, {row[0] for row in rows})
    found = []
    for instance_id, stage, label, due, holder, open_task_id in rows:
        skp = skps.get(instance_id)
        if due is None or skp is None or skp.unit_id not in unit_ids or (tahun is not None and skp.year != tahun):
            continue
        employee, unit = session.get(Employee, skp.employee_id), session.get(Unit, skp.unit_id)
        assert employee is not None and unit is not None
        late = (now.astimezone(clock.local_tz).date() - due.astimezone(clock.local_tz).date()).days
        found.append(Overdue(employee.nip, employee.name, unit.code, unit.name, skp.year, stage, label, due, late,
                             holder, instance_id, open_task_id))
    return sorted(found, key=lambda row: (row.batas, row.nama, row.nip))


def _skps_of(session: Session, instance_ids: set[int]) -> dict[int, Skp]:
    """Return the SKP each instance works on: its own (a cycle), or the one its key names (a partial rating)."""
    if not instance_ids:
        return {}
    result: dict[int, Skp] = {}
    for skp in session.execute(select(Skp).where(Skp.instance_id.in_(instance_ids))).scalars():
        if skp.instance_id is not None:
            result[skp.instance_id] = skp
    keys = dict(session.execute(select(Instance.id, Instance.business_key).where(
        Instance.id.in_(instance_ids - set(result)), Instance.process_id == partial_period.PROCESS_ID)).all())
    by_skp = {partial_period.skp_id_of_key(key): instance_id for instance_id, key in keys.items()}
    for skp in session.execute(select(Skp).where(Skp.id.in_([k for k in by_skp if k is not None]))).scalars():
        result[by_skp[skp.id]] = skp
    return result
