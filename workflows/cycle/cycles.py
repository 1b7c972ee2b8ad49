"""Opening a yearly cycle: per calibration unit a `kalibrasi_unit` and a `capaian_unit_periodik`, then one
`siklus_kinerja` per eligible employee.

Opening can be interrupted at any commit and run again: what exists is kept, the rest is started, and the
membership of every calibration is re-derived from the records (`calibration_units.members`) and
completed with one `masuk` message per calibration naming all its missing members, so a re-run ends in
the state of an uninterrupted run.

When the appraiser is the Wali Kota (the top of the chain, with no superior), the Wali Kota also stands
as the appraiser's superior: as PPK the Wali Kota decides an objection against his own rating finally.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from engine.definitions import specs
from engine.errors import InvalidInput
from engine.models import Instance, MessageSubscription, SpecVersion
from engine.runtime.lifecycle import instances
from engine.runtime.running.execution import ENDED

from ..appraisals.records import RecordInvalid
from ..calibration import calibration_units
from ..models.org import Employee, Position, PositionAssignment, Unit
from ..models.periods import JENIS_PERIODE
from ..organisation import org
from ..rating import ratings
from . import cycle_deadlines, periods, skp_start

BATCH_SIZE = 100
KINDS = ("kalibrasi_unit", "capaian_unit_periodik", "siklus_kinerja")
#: The message a unit calibration waits on (kalibrasi_unit.bpmn); also carries transfers in and out.
CALIBRATION_MESSAGE = calibration_units.CALIBRATION_MESSAGE


@dataclass(frozen=True)
class CycleSettings:
    """What an operator set for this cycle; anything left None takes the default written in
    siklus_kinerja.bpmn (*Tetapkan pengaturan siklus*), so changing a default is a BPMN edit."""

    batas_skp: str | None = None
    pengingat_skp: str | None = None
    jenis_periode: str | None = None
    batas_pengisian_periode: str | None = None
    buka_realisasi: str | None = None
    mulai_penilaian_tahunan: str | None = None
    batas_penilaian_tahunan: str | None = None
    batas_umpan_balik: str | None = None
    jendela_keberatan: str | None = None
    masa_perbaikan: str | None = None
    pakai_umpan_balik_rekan: bool | None = None
    min_penilai_agregat: int | None = None
    batas_skp_pindah: str | None = None
    #: Smallest calibration group whose predikat distribution is published (keberatan's publication).
    min_kelompok_publikasi: int | None = None
    #: Calibration settings (kalibrasi_unit.bpmn, *Siapkan penerimaan penilaian*): deadline, minimum group.
    batas_kalibrasi: str | None = None
    min_kelompok_kurva: int | None = None
    org_settings: org.OrgSettings = org.DEFAULT_SETTINGS

    def __post_init__(self) -> None:
        # Refused here, before anything starts, rather than as an incident in every cycle.
        if self.jenis_periode is not None and self.jenis_periode not in JENIS_PERIODE:
            raise InvalidInput(f"jenis_periode must be one of {', '.join(JENIS_PERIODE)}, not {self.jenis_periode!r}")
        for name in ("batas_pengisian_periode", "buka_realisasi"):
            value = getattr(self, name)
            if value is not None:
                try:
                    periods.days_of(name, value)
                except RecordInvalid as exc:
                    raise InvalidInput(str(exc)) from None

    def chosen(self) -> dict[str, Any]:
        """Return the start variables the operator set (the process fills in the others)."""
        names = ("batas_skp", "pengingat_skp", "jenis_periode", "batas_pengisian_periode", "buka_realisasi",
                 "mulai_penilaian_tahunan", "batas_penilaian_tahunan", "batas_umpan_balik", "jendela_keberatan",
                 "masa_perbaikan", "pakai_umpan_balik_rekan")
        names += ("min_penilai_agregat", "batas_skp_pindah", "min_kelompok_publikasi")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    def calibration(self) -> dict[str, Any]:
        """Return the calibration start variables the operator set."""
        names = ("batas_kalibrasi", "min_kelompok_kurva")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


@dataclass
class KindSummary:
    """What opening did for one process: started, already started, skipped (with reason), problems."""

    started: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    #: Employees added to a running calibration because the records show them as members (`masuk`).
    joined: list[str] = field(default_factory=list)


@dataclass
class CycleSummary:
    """The outcome of `open_cycle`, per process id (KINDS)."""

    year: int
    kinds: dict[str, KindSummary] = field(default_factory=lambda: {k: KindSummary() for k in KINDS})


def calibration_key(year: int, unit_code: str) -> str:
    """Return the business key of a unit's calibration."""
    return f"kalibrasi:{year}:{unit_code}"


def cycle_key(year: int, nip: str) -> str:
    """Return the business key of an employee's cycle."""
    return f"skp:{year}:{nip}"


def units_in_scope(session: Session, unit_code: str | None) -> list[Unit]:
    """Return the units below the city government, or a unit and its descendants."""
    units = list(session.execute(select(Unit).order_by(Unit.code)).scalars())
    if unit_code is None:
        return [u for u in units if u.kind != "pemkot"]
    root = org.unit_by_code(session, unit_code)
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    found, todo = [], [root]
    while todo:
        unit = todo.pop()
        if unit.kind != "pemkot" and unit not in found:
            found.append(unit)
        todo.extend(u for u in children.get(unit.id, []) if u not in found)
    return sorted(found, key=lambda u: u.code)


def open_cycle(session: Session, year: int, unit_code: str | None = None, *, actor: str,
               settings: CycleSettings | None = None, commit: Callable[[], None],
               on_progress: Callable[[int, int], None] | None = None, confirm_late: bool = False) -> CycleSummary:
    """Start the calibrations, then the employees' cycles, in batches committed through `commit`.

    When the cycle's deadlines already passed, nothing starts unless confirm_late (workflows.cycle.cycle_deadlines).
    """
    settings = settings or CycleSettings()
    calibration_spec = specs.require_latest(session, "kalibrasi_unit")
    cycle_spec = specs.require_latest(session, "siklus_kinerja")
    summary = CycleSummary(year)
    units = units_in_scope(session, unit_code)
    planner = _Planner(session, year, settings, summary.kinds["siklus_kinerja"])
    employees: list[Employee] = list(session.execute(select(Employee).join(Employee.position).where(
        Position.unit_id.in_([u.id for u in units])).order_by(Employee.nip)).scalars()) if units else []
    per_unit: dict[str, list[str]] = {}
    cycle_items: list[tuple[str, dict[str, Any]]] = []
    for employee in employees:
        data = planner.plan(employee)
        if data is not None:
            per_unit.setdefault(data["unit_kalibrasi_kode"], []).append(employee.nip)
            cycle_items.append((cycle_key(year, employee.nip), data))
    if unit_code is None:  # an employee without a position belongs to no unit: say so
        for nip in session.execute(select(Employee.nip).where(Employee.position_id.is_(None))).scalars():
            summary.kinds["siklus_kinerja"].problems.append((nip, "has no position"))
    calibration_items = []
    on_record = calibration_units.members_by_unit(session, year)
    names = {code: org.unit_by_code(session, code).name for code in per_unit}  # shown in the task titles
    for code in sorted(per_unit):
        # Members already on record (an earlier, narrower run) join from the start; planning is
        # deterministic, so every run of the same chart starts the calibration with the same list.
        pegawai = sorted(set(per_unit[code]) | set(on_record.get(code, [])))
        calibration_items.append((calibration_key(year, code), {"unit_kode": code, "unit_nama": names[code],
                                                                "tahun": year, "pegawai": pegawai,
                                                                **settings.calibration()}))
    covered = {calibration_units.calibration_unit(u).code for u in units}
    for code in sorted(covered - set(per_unit)):
        summary.kinds["kalibrasi_unit"].skipped.append((code, "no eligible employee"))
    # A new hire's cycle counts its SKP deadline from the first day (tanggal_mutasi): never late by the year's.
    on_time_check = [k for k, data in calibration_items + cycle_items if "tanggal_mutasi" not in data]
    cycle_deadlines.check_opening(session, year, settings.chosen(), on_time_check,
                                  actor=actor, unit_code=unit_code, confirm_late=confirm_late)
    total = 2 * len(calibration_items) + len(cycle_items)
    progress = on_progress or (lambda done, total: None)
    progress(0, total)
    done = _start(session, calibration_spec, calibration_items, actor, commit, summary.kinds["kalibrasi_unit"],
                  lambda n: progress(n, total), 0)
    # Every calibration started gets its periodic ratings, also when the scope is one of its sub-units.
    calibrated = [org.unit_by_code(session, code) for code in sorted(per_unit)]
    done = start_periodic_unit_ratings(session, year, calibrated, settings, actor, commit,
                                       summary.kinds["capaian_unit_periodik"], lambda n: progress(n, total), done)
    _start(session, cycle_spec, cycle_items, actor, commit, summary.kinds["siklus_kinerja"],
           lambda n: progress(n, total), done)
    started = set(summary.kinds["kalibrasi_unit"].started)
    sync_memberships(session, year, sorted(per_unit), actor, summary.kinds["kalibrasi_unit"],
                     {calibration_key(year, data["unit_kode"]): data["pegawai"] for _, data in calibration_items
                      if data["unit_kode"] in started})
    commit()
    return summary


def periodic_unit_key(year: int, unit_code: str) -> str:
    """Return the business key of a unit's periodic ratings (capaian_unit_periodik)."""
    return f"capaian:{year}:{unit_code}"


def start_periodic_unit_ratings(session: Session, year: int, units: Sequence[Unit], settings: CycleSettings,
                                actor: str, commit: Callable[[], None], kind: KindSummary,
                                progress: Callable[[int], None], done: int) -> int:
    """Start one `capaian_unit_periodik` per calibration unit given: the leader above it rates each period."""
    spec = specs.require_latest(session, "capaian_unit_periodik")
    items = []
    for unit in units:
        # The cycle's choice first, else the agency's (its OPD's), else the process default.
        jenis = settings.jenis_periode or periods.jenis_periode_of(unit)
        chosen = {"jenis_periode": jenis} if jenis else {}
        if settings.batas_pengisian_periode:
            chosen["batas_pengisian_periode"] = settings.batas_pengisian_periode
        data = {"unit_kode": unit.code, "unit_nama": unit.name, "tahun": year, **chosen}
        items.append((periodic_unit_key(year, unit.code), data))
    return _start(session, spec, items, actor, commit, kind, progress, done)


def sync_memberships(session: Session, year: int, codes: Sequence[str], actor: str,
                     kind: KindSummary | None = None, started: dict[str, list[str]] | None = None) -> list[str]:
    """Send each running calibration one `masuk` naming every member on record it does not list yet.

    Derived from the records on every run, so a run killed before these messages were committed is
    repaired by the next one; a calibration that already lists an employee gets nothing (no duplicates).
    One message per calibration, not per employee: each delivery restores the calibration once.
    `started` holds the member lists of the calibrations this run started ({business key: pegawai}): one
    that lists every member on record is not restored to be compared (a city has hundreds).
    """
    joined = []
    on_record = calibration_units.members_by_unit(session, year)
    # Without the state column: most calibrations are decided from the records and are never restored.
    rows = {row.business_key: row for row in session.execute(select(Instance).options(
        defer(Instance.state)).where(Instance.process_id == "kalibrasi_unit",
        Instance.business_key.in_([calibration_key(year, code) for code in codes]))).scalars()}
    waiting = set(session.execute(select(MessageSubscription.instance_id).where(
        MessageSubscription.instance_id.in_([row.id for row in rows.values()]),
        MessageSubscription.message_name == CALIBRATION_MESSAGE)).scalars())
    for code in codes:
        row = rows.get(calibration_key(year, code))
        if row is None or not on_record.get(code):
            continue
        if started and set(on_record[code]) <= set(started.get(row.business_key, ())):
            continue
        listed = set(instances.variables(instances.load(session, row.id)).get("pegawai") or [])
        missing = [nip for nip in on_record[code] if nip not in listed]
        if not missing:
            continue
        if row.status in ENDED or row.id not in waiting:  # calibrated already and nobody late: nowhere to go
            if kind is not None:
                kind.problems.extend((nip, f"{row.business_key} no longer takes members: calibrate by hand")
                                     for nip in missing)
            continue
        calibration_units.send_membership(session, code, year, missing, "masuk", actor,
                                          several=calibration_units.takes_several(session, row))
        joined.extend(missing)
    if kind is not None:
        kind.joined.extend(joined)
    return joined


def _start(session: Session, spec: SpecVersion, items: Sequence[tuple[str, dict[str, Any]]], actor: str,
           commit: Callable[[], None], kind: KindSummary, progress: Callable[[int], None], done: int) -> int:
    """Start items in batches, committing after each, so a rerun resumes where an interrupted one stopped."""
    for i in range(0, len(items), BATCH_SIZE):
        batch = items[i:i + BATCH_SIZE]
        keys = [key for key, _ in batch]
        # A re-run skips what an earlier run started with this one query: nothing of it is loaded.
        before = set(session.execute(select(Instance.business_key).where(
            Instance.process_id == spec.process_id, Instance.business_key.in_(keys))).scalars())
        fresh = [(key, data) for key, data in batch if key not in before]
        kind.existing.extend(data.get("nip") or data["unit_kode"] for key, data in batch if key in before)
        rows = instances.start_many(session, spec, fresh, actor) if fresh else []
        if fresh:
            commit()
        for (_, data), row in zip(fresh, rows, strict=True):
            label = data.get("nip") or data["unit_kode"]
            if row.status == "error":
                kind.problems.append((label, f"instance {row.id} failed: {(row.error or {}).get('message')}"))
            else:
                kind.started.append(label)
        done += len(batch)
        progress(done)
    return done


def plan_one(session: Session, employee: Employee, year: int, settings: CycleSettings | None = None
             ) -> tuple[dict[str, Any] | None, KindSummary]:
    """Return one employee's cycle start variables (None when they get no cycle) and why not."""
    summary = KindSummary()
    return _Planner(session, year, settings or CycleSettings(), summary).plan(employee), summary


class _Planner:
    """Build the start variables of an employee's cycle, caching the chain per position."""

    def __init__(self, session: Session, year: int, settings: CycleSettings, kind: KindSummary) -> None:
        self.session, self.year, self.settings, self.kind = session, year, settings, kind
        # Each employee's first day in service, read once for the whole opening (new hires start late).
        self.first_days: dict[int, date] = {row[0]: row[1] for row in session.execute(select(
            PositionAssignment.employee_id, func.min(PositionAssignment.started_on)).group_by(
            PositionAssignment.employee_id))}
        self.chains: dict[int, tuple[Position | None, Position | None]] = {}
        # Last year's final predikat decides the talent pool (tindak_lanjut: two years Sangat Baik).
        self.last_year = ratings.predikat_by_employee(session, year - 1)

    def chain(self, position: Position) -> tuple[Position | None, Position | None]:
        """Return the appraiser's position and the appraiser's superior's position."""
        if position.id not in self.chains:
            rules = self.settings.org_settings
            penilai = org.pejabat_penilai_position(self.session, position, rules)
            atasan = org.pejabat_penilai_position(self.session, penilai, rules) if penilai else None
            if penilai is not None and atasan is None and penilai.kind == "wali_kota":
                atasan = penilai  # the Wali Kota has no superior; as PPK the decision stays with him
            self.chains[position.id] = (penilai, atasan)
        return self.chains[position.id]

    def plan(self, employee: Employee) -> dict[str, Any] | None:
        """Return the start variables, or None after recording why the employee gets no cycle."""
        if not org.eligible(employee):
            self.kind.skipped.append((employee.nip, f"status {employee.status}"))
            return None
        position = employee.position
        assert position is not None
        penilai, atasan = self.chain(position)
        if penilai is None or atasan is None:
            missing = "appraiser" if penilai is None else "appraiser's superior"
            self.kind.problems.append((employee.nip, f"no {missing} for position {position.code}"))
            return None
        s = self.settings
        # The agency's period kind (its OPD's setting) unless the operator chose one for this cycle.
        agency = periods.jenis_periode_of(position.unit)
        hired = skp_start.hired_during(self.first_days.get(employee.id), self.year)
        calibration = calibration_units.calibration_unit(position.unit)
        return {**({"jenis_periode": agency} if agency else {}),
            "nip": employee.nip, "nama": employee.name, "tahun": self.year, "unit_kode": position.unit.code,
            "unit_kalibrasi_kode": calibration.code, "unit_kalibrasi_nama": calibration.name,
            "jabatan_kode": position.code, "jabatan_penilai_kode": penilai.code,
            "jabatan_atasan_penilai_kode": atasan.code,
            "is_kepala_unit": position.unit.head_position_id == position.id,
            "predikat_tahun_lalu": self.last_year.get(employee.id),
            # A new hire's SKP is due counted from the first day (batas_skp_pindah), as after a transfer.
            **({"tanggal_mutasi": hired.isoformat()} if hired else {}), **s.chosen(),
        }
