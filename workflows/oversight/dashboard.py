"""The HR dashboard's numbers: where each employee's appraisal year stands, per OPD, and the predikat curve.

Read from `instance`, `human_task` and the domain tables in a fixed number of statements whatever the
number of employees; no workflow is restored. An employee's stage is the stage of an open task of the
cycle (the latest in the year's order when several are open); a cycle with no open task waits, and the
records say for what: an SKP not yet agreed (planning), no annual rating (monitoring), a rating without
final predikat (calibration), an objection window open or an objection undecided (appeal), an evaluation
document not yet signed by everyone (approval), a development plan (follow-up); otherwise, and when
the cycle ended, the result is final (published).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.models import HumanTask, Instance
from engine.runtime.running.execution import ENDED

from ..appraisals.appraisal_access import CYCLE_PROCESS
from ..calibration import calibration_view
from ..cycle import cycles
from ..models.org import Employee, Unit
from ..models.records import Appeal, AppealWindow, DevelopmentPlan, PredikatRecord, Rating, Signature, UnitRating
from ..models.skp import PREDIKATS, SIGNER_ROLES, Skp
from ..rating.decision_preview import evaluate_decision

#: The stages of the year, in order.
STAGES = ("perencanaan", "pemantauan", "penilaian", "kalibrasi", "keberatan", "persetujuan", "diumumkan",
          "tindak_lanjut")
#: The stage of a task, by the process that holds it.
STAGE_OF_PROCESS = {"perencanaan_skp": "perencanaan", "pemantauan_kinerja": "pemantauan",
                    "umpan_balik_rekan": "pemantauan", "penilaian_kinerja": "penilaian", "keberatan": "keberatan",
                    "persetujuan": "persetujuan", "tindak_lanjut": "tindak_lanjut"}
PLANNING_STATUSES = ("draft", "diajukan", "dikembalikan")
#: The decision whose outputs are the curve's limits (kalibrasi_unit.bpmn, *Tentukan pola distribusi*).
CURVE_DECISION = "pola_distribusi"


@dataclass(frozen=True)
class UnitTree:
    """Every unit by id, with its OPD and its calibration unit (read in one statement)."""

    units: dict[int, Any]

    @classmethod
    def load(cls, session: Session) -> UnitTree:
        """Read the whole chart (a city has a few hundred units)."""
        rows = session.execute(select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id,
                                      Unit.calibration_unit)).all()
        return cls({row.id: row for row in rows})

    def opd(self, unit_id: int) -> Any:
        """Return the unit's OPD: its ancestor just below the city government (or itself)."""
        unit, seen = self.units[unit_id], {unit_id}
        while unit.parent_id in self.units and self.units[unit.parent_id].kind != "pemkot":
            if unit.parent_id in seen:
                break
            seen.add(unit.parent_id)
            unit = self.units[unit.parent_id]
        return unit

    def opd_by_code(self, code: str) -> Any:
        """Return the OPD with this code, or None (also for the code of a unit inside an OPD)."""
        return next((u for u in self.units.values() if u.code == code and self.opd(u.id).code == code), None)

    def calibration(self, unit_id: int) -> Any:
        """Return the unit whose calibration covers it: the nearest flagged ancestor, else its OPD."""
        current, seen = self.units.get(unit_id), set()
        while current is not None and current.kind != "pemkot" and current.id not in seen:
            if current.calibration_unit:
                return current
            seen.add(current.id)
            current = self.units.get(current.parent_id) if current.parent_id else None
        return self.opd(unit_id)


@dataclass
class EmployeeProgress:
    """Where one employee's appraisal year stands."""

    instance_id: int
    nip: str
    nama: str
    unit_code: str
    unit_name: str
    opd_code: str
    opd_name: str
    calibration_code: str
    stage: str
    overdue: bool
    predikat: str | None
    skp_status: str | None


@dataclass
class OpdProgress:
    """The employees of one OPD at each stage, and how many are overdue."""

    code: str
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    overdue: int = 0

    @property
    def total(self) -> int:
        """Return the number of employees with a cycle this year."""
        return sum(self.counts.values())


def year_prefix(year: int) -> str:
    """Return the business-key prefix of the employees' cycles of a year."""
    return cycles.cycle_key(year, "")


def progress(session: Session, year: int, opd_code: str | None = None, tree: UnitTree | None = None,
             now: datetime | None = None) -> list[EmployeeProgress]:
    """Return every employee's stage of the year (within one OPD when given), by OPD and name."""
    now = now or clock.now()
    tree = tree or UnitTree.load(session)
    found = session.execute(
        select(Instance.id, Instance.status, Instance.next_timer_at, Skp.id.label("skp_id"), Skp.status.label("skp"),
               Skp.unit_id, Employee.nip, Employee.name)
        .join(Skp, Skp.instance_id == Instance.id).join(Employee, Employee.id == Skp.employee_id)
        .where(Instance.process_id == CYCLE_PROCESS, Instance.business_key.startswith(year_prefix(year)))
        .order_by(Skp.id)).all()
    latest = {row.id: row for row in found}  # after a transfer the latest SKP of the year speaks
    if opd_code is not None:
        latest = {k: r for k, r in latest.items() if tree.opd(r.unit_id).code == opd_code}
    ids, skp_ids = list(latest), [row.skp_id for row in latest.values()]
    tasks: dict[int, list[tuple[str, datetime | None]]] = {}
    for instance_id, process_id, due_at in session.execute(
            select(HumanTask.instance_id, HumanTask.process_id, HumanTask.due_at)
            .where(HumanTask.state == "open", HumanTask.instance_id.in_(ids))):
        tasks.setdefault(instance_id, []).append((process_id, due_at))
    records = _records(session, skp_ids)
    rows = []
    for instance_id, row in latest.items():
        open_tasks = tasks.get(instance_id, [])
        stage = stage_of(row, open_tasks, records)
        late = any(due is not None and due < now for _, due in open_tasks) or (
            not open_tasks and row.status not in ENDED and row.next_timer_at is not None and row.next_timer_at < now)
        unit, opd, calibration = tree.units[row.unit_id], tree.opd(row.unit_id), tree.calibration(row.unit_id)
        rows.append(EmployeeProgress(instance_id, row.nip, row.name, unit.code, unit.name, opd.code, opd.name,
                                     calibration.code, stage, late, records["predikat"].get(row.skp_id), row.skp))
    return sorted(rows, key=lambda r: (r.opd_name, r.nama.lower(), r.nip))


def _records(session: Session, skp_ids: list[int]) -> dict[str, Any]:
    """Return what the stages read of the domain records, one statement per table."""
    predikat: dict[int, str] = {}
    for skp_id, value in session.execute(select(PredikatRecord.skp_id, PredikatRecord.predikat)
                                         .where(PredikatRecord.skp_id.in_(skp_ids)).order_by(PredikatRecord.id)):
        predikat[skp_id] = value  # the latest wins
    # The annual rating is period "akhir"; "Desember-Akhir" and the like are the monitoring's last period.
    rated = set(session.execute(select(Rating.skp_id).where(Rating.skp_id.in_(skp_ids), Rating.period == "akhir"))
                .scalars())
    closed: dict[int, bool] = {}
    for skp_id, closed_at in session.execute(select(AppealWindow.skp_id, AppealWindow.closed_at)
                                             .where(AppealWindow.skp_id.in_(skp_ids)).order_by(AppealWindow.id)):
        closed[skp_id] = closed_at is not None
    undecided = set(session.execute(select(Appeal.skp_id).where(Appeal.skp_id.in_(skp_ids),
                                                                Appeal.decision.is_(None))).scalars())
    signed: dict[int, set[str]] = {}
    for skp_id, role in session.execute(select(Signature.skp_id, Signature.role).where(
            Signature.skp_id.in_(skp_ids), Signature.document == "dokumen_evaluasi")):
        signed.setdefault(skp_id, set()).add(role)
    plans = set(session.execute(select(DevelopmentPlan.skp_id).where(DevelopmentPlan.skp_id.in_(skp_ids))).scalars())
    return {"predikat": predikat, "rated": rated, "closed": closed, "undecided": undecided, "signed": signed,
            "plans": plans}


def stage_of(row: Any, open_tasks: list[tuple[str, datetime | None]], records: dict[str, Any]) -> str:
    """Return the stage of one cycle from its open tasks, else from its records."""
    staged = [STAGE_OF_PROCESS[p] for p, _ in open_tasks if p in STAGE_OF_PROCESS]
    if staged:
        return max(staged, key=STAGES.index)
    skp_id = row.skp_id
    if row.status in ENDED:
        return "diumumkan"
    if row.skp in PLANNING_STATUSES:
        return "perencanaan"
    if skp_id not in records["rated"]:
        return "pemantauan"
    if skp_id not in records["predikat"]:
        return "kalibrasi"
    if skp_id in records["undecided"] or not records["closed"].get(skp_id, False):
        return "keberatan"
    if skp_id in records["plans"]:
        return "tindak_lanjut"
    if not set(SIGNER_ROLES) <= records["signed"].get(skp_id, set()):
        return "persetujuan"
    return "diumumkan"


def by_opd(rows: list[EmployeeProgress]) -> list[OpdProgress]:
    """Return the counts per OPD, by OPD name."""
    found: dict[str, OpdProgress] = {}
    for row in rows:
        opd = found.setdefault(row.opd_code, OpdProgress(row.opd_code, row.opd_name))
        opd.counts[row.stage] += 1
        opd.overdue += int(row.overdue)
    return sorted(found.values(), key=lambda o: o.name)


def totals(opds: list[OpdProgress]) -> OpdProgress:
    """Return the sum of every OPD's counts."""
    total = OpdProgress("", "")
    for opd in opds:
        for stage, n in opd.counts.items():
            total.counts[stage] += n
        total.overdue += opd.overdue
    return total


def curves(session: Session, year: int, rows: list[EmployeeProgress], tree: UnitTree) -> list[dict[str, Any]]:
    """Return per calibration unit its predikat distribution against its curve (limits once its rating is set).

    The limits are the outputs of pola_distribusi.dmn in the version the unit's calibration runs, so the
    dashboard shows the rule the process applies; before the unit's rating is set there is no curve yet.
    """
    members: dict[str, dict[str, str]] = {}
    for row in rows:
        members.setdefault(row.calibration_code, {})
        if row.predikat:
            members[row.calibration_code][row.nip] = row.predikat
    codes = sorted(members)
    by_code = {u.code: u for u in tree.units.values()}
    capaian = dict(session.execute(select(Unit.code, UnitRating.capaian).join(Unit, Unit.id == UnitRating.unit_id)
                                   .where(UnitRating.year == year, UnitRating.period == "akhir",
                                          Unit.code.in_(codes))).all()) if codes else {}
    keys = {cycles.calibration_key(year, code): code for code in codes}
    calibrations = {keys[key]: instance_id for instance_id, key in session.execute(
        select(Instance.id, Instance.business_key).where(Instance.process_id == "kalibrasi_unit",
                                                         Instance.business_key.in_(list(keys))))} if keys else {}
    result = []
    for code in codes:
        limits = None
        if capaian.get(code) and code in calibrations:
            limits = evaluate_decision(session, calibrations[code], CURVE_DECISION, {"capaian_unit": capaian[code]})
        total = sum(1 for row in rows if row.calibration_code == code)
        result.append({"code": code, "name": by_code[code].name, "capaian": capaian.get(code), "members": total,
                       "rated": len(members[code]), "limits": limits,
                       "rows": calibration_view.distribution_rows(members[code], limits)})
    return result


def predikat_counts(rows: list[EmployeeProgress]) -> dict[str, int]:
    """Return the number of employees per current predikat."""
    counts = dict.fromkeys(PREDIKATS, 0)
    for row in rows:
        if row.predikat in counts:
            counts[row.predikat] += 1
    return counts
