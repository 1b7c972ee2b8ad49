"""Support for the lifecycle scenario tests: a dict lane resolver, start data and stage drivers.

The fixtures (`lifecycle`, `lane_resolver`) live in tests/workflows/lifecycle_fixtures.py, which each
lifecycle test module loads with `pytest_plugins` (tests/workflows/conftest.py holds the organisation
fixtures of the lane-resolver tests). Everything goes through the real engine and database: deploy,
start, complete (which routes messages) and worker passes that move `engine.clock`, as tests/engine does.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import clock
from engine.definitions import specs
from engine.definitions.validation import read_paths
from engine.models import AuditEvent, HumanTask, Instance
from engine.runtime.events import timers
from engine.runtime.human_tasks import tasks
from engine.runtime.human_tasks.assignment import Assignment, AttributeResolver
from engine.runtime.lifecycle import instances
from tests.conftest import ROOT
from workflows.cycle import skp_start
from workflows.models import Employee, Position, Unit
from workflows.models.skp import BERAKHLAK
from workflows.organisation import org
from workflows.planning import skp as skp_records
from workflows.rating import ratings

BPMN_DIR = ROOT / "bpmn"

#: 31 January, the SKP deadline of the 2027 cycle, and the reminder 7 days before (WITA).
BATAS_SKP = "2027-01-31T23:59:59+08:00"
PENGINGAT_SKP = "2027-01-24T23:59:59+08:00"
#: The annual rating of 2027 opens after the year and is due on 31 January 2028 (WITA).
MULAI_PENILAIAN = "2028-01-01T00:00:00+08:00"
BATAS_PENILAIAN = "2028-01-31T23:59:59+08:00"
#: Cycle opened on Monday 4 January 2027, 08:00 WITA.
T0 = datetime(2027, 1, 4, 0, 0, tzinfo=UTC)

#: Who holds each position code (the real resolver reads the organisation chart).
POSITION_HOLDERS = {
    "KASI-A": "kasi_a", "KABID-A": "kabid_a", "KADIS": "kadis", "STAF-A": "staf_a",
}
#: The leader above each unit (lane Pimpinan Unit).
UNIT_LEADERS = {"SEKSI-A": "kabid_a", "BIDANG-A": "kadis"}
PENGELOLA_GROUP = "pengelola_kinerja"

NIP_ANI = "198503152010012001"
NIP_BUDI = "199001012015031002"
NIP_CITRA = "197806202005012003"


def build_org(session: Session) -> dict[str, Employee]:
    """Build the organisation the lifecycle tests run in, and commit; return the employees by NIP.

    PEMKOT > DINAS-A > BIDANG-A > SEKSI-A with the positions of POSITION_HOLDERS: Ani and Budi are staff
    (STAF-A) of the seksi, Citra heads it (KASI-A). The BPMN scripts find them by NIP (`siapkan_skp`).
    """
    units: dict[str, Unit] = {}
    for code, kind, parent in (("PEMKOT", "pemkot", None), ("DINAS-A", "dinas", "PEMKOT"),
                               ("BIDANG-A", "bidang", "DINAS-A"), ("SEKSI-A", "seksi", "BIDANG-A")):
        units[code] = Unit(code=code, name=f"Unit {code}", kind=kind, public_service=False,
                           parent=units[parent] if parent else None)
        session.add(units[code])
    positions: dict[str, Position] = {}
    for code, kind, unit, reports_to in (("WALIKOTA", "wali_kota", "PEMKOT", None),
                                         ("KADIS", "jpt_pratama", "DINAS-A", "WALIKOTA"),
                                         ("KABID-A", "administrator", "BIDANG-A", "KADIS"),
                                         ("KASI-A", "pengawas", "SEKSI-A", "KABID-A"),
                                         ("STAF-A", "pelaksana", "SEKSI-A", "KASI-A")):
        positions[code] = Position(code=code, name=f"Jabatan {code}", kind=kind, unit=units[unit],
                                   reports_to=positions[reports_to] if reports_to else None)
        session.add(positions[code])
        if code != "STAF-A":
            units[unit].head_position = positions[code]
    employees = {}
    for nip, name, position in ((NIP_ANI, "Ani", "STAF-A"), (NIP_BUDI, "Budi", "STAF-A"),
                                (NIP_CITRA, "Citra", "KASI-A")):
        employee = Employee(nip=nip, name=name, kind="pns", status="aktif", gender="P" if nip[14] == "2" else "L",
                            updated_at=clock.now())
        session.add(employee)
        org.transfer(session, employee, positions[position], date(2026, 1, 2))
        employees[nip] = employee
    session.commit()
    return employees


def add_staff(session: Session, nips: list[str], position_code: str = "STAF-A") -> None:
    """Add active employees in a position (raters of the multi-rater feedback), and commit."""
    position = org.position_by_code(session, position_code)
    for i, nip in enumerate(nips):
        employee = Employee(nip=nip, name=f"Staf {i + 1}", kind="pns", status="aktif",
                            gender="L" if nip[14] == "1" else "P", updated_at=clock.now())
        session.add(employee)
        org.transfer(session, employee, position, date(2026, 1, 2))
    session.commit()


def realisasi_for(session: Session, instance_id: int, nilai: Any = 25) -> dict[str, Any]:
    """Return a realisasi_editor answer: one realisation with an evidence link per IKI of the instance's SKP."""
    found = skp_records.skp_of_instance(session, instance_id)
    items = [] if found is None else [
        {"iki_id": iki.id, "nilai": nilai, "bukti_dukung": f"https://arsip.samarindakota.go.id/bukti/{iki.id}.pdf"}
        for rhk in found.rhk for iki in rhk.iki]
    return {"realisasi": items}


def rating_parts(session: Session, instance_id: int, per_rhk: str | None, per_value: str) -> dict[str, Any]:
    """Return the custom part of the rating forms: every RHK of the instance's SKP rated per_rhk (left out
    when None, as for a unit head) and every BerAKHLAK value rated per_value.

    A stage started on its own has no SKP yet: it gets one with a one-RHK plan, as stage 1 would give it.
    """
    found = skp_records.skp_of_instance(session, instance_id)
    if found is None and per_rhk is not None:
        data = instances.variables(instances.load(session, instance_id))
        found = skp_records.open_skp(session, org.employee_by_nip(session, data["nip"]), data["tahun"], "tester",
                                     instance_id=instance_id)
        skp_records.save_plan(session, found, {"rhk": [{"uraian": "Layanan KTP-el", "target": 100}]}, "tester")
        session.commit()
    parts: dict[str, Any] = {"penilaian_perilaku": dict.fromkeys(BERAKHLAK, per_value)}
    if per_rhk is not None:
        assert found is not None
        parts["penilaian_rhk"] = [{"rhk_id": rhk.id, "rating": per_rhk} for rhk in found.rhk]
    return parts


class DictLaneResolver:
    """Lanes to users from the start variables, through the dicts above; attributes win."""

    def __init__(self) -> None:
        self.attributes = AttributeResolver()

    def resolve(self, task: Any) -> Assignment:
        extensions = task.task_spec.extensions or {}
        if any(str(extensions.get(name) or "").strip()
               for name in ("assignee", "candidateUsers", "candidateGroups")):
            return self.attributes.resolve(task)
        lane, data = task.task_spec.lane, task.data
        if lane == "Pegawai":
            return Assignment(assignee=data["nip"])
        if lane == "Pejabat Penilai":
            return Assignment(assignee=POSITION_HOLDERS[data["jabatan_penilai_kode"]])
        if lane == "Atasan Pejabat Penilai":
            return Assignment(assignee=POSITION_HOLDERS[data["jabatan_atasan_penilai_kode"]])
        if lane == "Pemutus Keberatan":
            return Assignment(assignee=POSITION_HOLDERS[data["jabatan_pemutus_keberatan_kode"]])
        if lane == "Pengelola Kinerja":
            return Assignment(candidate_groups=[PENGELOLA_GROUP])
        if lane == "Pimpinan Unit":
            return Assignment(assignee=UNIT_LEADERS[data.get("unit_kalibrasi_kode") or data["unit_kode"]])
        raise LookupError(f"no test rule for lane {lane!r}")


def bpmn_files() -> dict[str, bytes]:
    """Return the lifecycle BPMN/DMN files (bpmn/*, not bpmn/examples)."""
    return {name: data for name, data in read_paths([str(BPMN_DIR)]).items() if "/" not in name}


def siklus_data(nip: str, **overrides: Any) -> dict[str, Any]:
    """Return the start variables of siklus_kinerja as `cycle open` gives them (defaults of the docs)."""
    data: dict[str, Any] = {
        "nip": nip, "nama": f"Pegawai {nip[-4:]}", "tahun": 2027, "unit_kode": "SEKSI-A",
        "jabatan_kode": "STAF-A", "jabatan_penilai_kode": "KASI-A", "jabatan_atasan_penilai_kode": "KABID-A",
        "is_kepala_unit": False, "pakai_umpan_balik_rekan": False,
        "batas_skp": BATAS_SKP, "pengingat_skp": PENGINGAT_SKP,
        "jenis_periode": "triwulanan", "batas_pengisian_periode": "P5D", "buka_realisasi": "P7D",
        "mulai_penilaian_tahunan": MULAI_PENILAIAN, "batas_penilaian_tahunan": BATAS_PENILAIAN,
        "batas_umpan_balik": "P14D",
        "jendela_keberatan": "P14D", "masa_perbaikan": "P6M", "predikat_tahun_lalu": None,
    }
    data.update(overrides)
    return data


class Lifecycle:
    """Drives the deployed lifecycle processes through the engine, one committed step at a time."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # ---- engine operations
    def start(self, process_id: str, data: dict[str, Any], key: str) -> int:
        instance = instances.start(self.session, specs.require_latest(self.session, process_id), data, key,
                                   "cycle-open")
        self.session.commit()
        return instance.id

    def open_tasks(self, instance_id: int, bpmn_id: str | None = None) -> list[HumanTask]:
        self.session.expire_all()
        query = select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.state == "open")
        if bpmn_id:
            query = query.where(HumanTask.bpmn_id == bpmn_id)
        return list(self.session.execute(query.order_by(HumanTask.id)).scalars())

    def task(self, instance_id: int, bpmn_id: str) -> HumanTask:
        found = self.open_tasks(instance_id, bpmn_id)
        assert len(found) == 1, (bpmn_id, [t.bpmn_id for t in self.open_tasks(instance_id)])
        return found[0]

    def do(self, instance_id: int, bpmn_id: str, data: dict[str, Any] | None = None,
           actor: str | None = None) -> HumanTask:
        """Complete the one open task with this BPMN id as its assignee (claiming a group task first)."""
        row = self.task(instance_id, bpmn_id)
        return self.complete(row, data, actor)

    def complete(self, row: HumanTask, data: dict[str, Any] | None = None, actor: str | None = None) -> HumanTask:
        groups = tuple(c.value for c in row.candidates if c.kind == "group")
        user = actor or row.assignee
        if user is None:
            user = "pengelola1"
            tasks.claim(self.session, row.id, user, groups)
            self.session.commit()
        try:
            done = tasks.complete(self.session, row.id, user, data or {}, groups)
            self.session.commit()
        except Exception:
            self.session.rollback()
            raise
        return done

    def worker(self, now: datetime) -> list[int]:
        """One worker pass as of now (one transaction per instance, as `kinerja worker`)."""
        clock.set(now)
        fired = []
        for instance_id in timers.due_instance_ids(self.session, now):
            if timers.fire_due(self.session, instance_id, now):
                fired.append(instance_id)
            self.session.commit()
        return fired

    def give_predikat(self, nip: str, predikat: str, tahun: int = 2027) -> None:
        """Open the employee's SKP and give it a predikat, as the earlier stages would (a stage started alone)."""
        employee = org.employee_by_nip(self.session, nip)
        found = skp_records.open_skp(self.session, employee, tahun, "tester",
                                     period_start=skp_start.late_start(self.session, employee, tahun))
        ratings.change_predikat(self.session, found, predikat, "kalibrasi", "tester")
        self.session.commit()

    # ---- reading
    def instance(self, instance_id: int) -> Instance:
        self.session.expire_all()
        instance = self.session.get(Instance, instance_id)
        assert instance is not None
        return instance

    def status(self, instance_id: int) -> str:
        instance = self.instance(instance_id)
        assert instance.status != "error", instance.error
        return instance.status

    def variables(self, instance_id: int) -> dict[str, Any]:
        return instances.variables(instances.load(self.session, instance_id))

    def events(self, instance_id: int, event_type: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        rows = self.session.execute(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                    .order_by(AuditEvent.chain, AuditEvent.seq)).scalars()
        found = [(e.event_type, json.loads(e.data)) for e in rows]
        return [e for e in found if event_type is None or e[0] == event_type]

    # ---- stage drivers (the happy path of each stage)
    def agree_skp(self, instance_id: int) -> None:
        self.do(instance_id, "Task_susun_skp", {"skp": {"rhk": [{"uraian": "Layanan KTP-el", "target": 100}]}})
        self.do(instance_id, "Task_tinjau_skp", {"keputusan_skp": "setuju"})
        self.do(instance_id, "Task_tandatangani_skp", {"setuju_pegawai_skp": True})

    def next_timer(self, instance_id: int) -> None:
        """Move the clock just past the instance's next timer (never back) and run a worker pass."""
        due = self.instance(instance_id).next_timer_at
        assert due is not None, self.open_tasks(instance_id)
        self.worker(max(clock.now(), due.replace(tzinfo=UTC) + timedelta(seconds=1)))

    def monitor_period(self, instance_id: int, coaching: bool = False, rating: str = "sesuai") -> None:
        """Wait for the period's realisation task, then record, give feedback and the periodic rating."""
        if not self.open_tasks(instance_id, "Task_catat_realisasi"):
            self.next_timer(instance_id)
        self.do(instance_id, "Task_catat_realisasi", realisasi_for(self.session, instance_id))
        self.do(instance_id, "Task_beri_umpan_balik", {"umpan_balik": "Sesuai rencana.",
                                                         "perlu_bimbingan": coaching})
        if coaching:
            self.coach(instance_id)
        for review in ("Task_evaluasi_periodik", "Task_evaluasi_semester"):
            if self.open_tasks(instance_id, review):
                self.do(instance_id, review, {"hasil_kerja": rating, "perilaku": "sesuai"})

    def monitor_year(self, instance_id: int) -> None:
        """Go through every period of the year, then past the end of the year (the annual rating opens)."""
        for _ in range(12):
            data = self.variables(instance_id)
            self.monitor_period(instance_id)
            if data["periode_ke"] == len(data["periode"]):
                break
        if self.instance(instance_id).next_timer_at is not None and not self.open_tasks(instance_id):
            self.next_timer(instance_id)

    def coach(self, instance_id: int) -> None:
        self.do(instance_id, "Task_catat_bimbingan", {
            "tanggal_bimbingan": "2027-03-20", "jenis_bimbingan": "bimbingan",
            "topik_bimbingan": "Ketepatan waktu layanan"})
        self.do(instance_id, "Task_umpan_balik_bimbingan", {
            "b18_manfaat_sesi": 4, "b18_kejelasan_pembimbing": 5, "b18_kesesuaian_kebutuhan": 4})
        self.do(instance_id, "Task_evaluasi_kompetensi", {
            "kompetensi_teknis": 3, "kompetensi_manajerial": 3, "kompetensi_sosial_kultural": 4,
            "alasan_evaluasi_kompetensi": "Perlu pelatihan teknis layanan."})

    def rate(self, instance_id: int, hasil_kerja: str, perilaku: str) -> None:
        """Rate every RHK as hasil_kerja and every BerAKHLAK value as perilaku, then overall."""
        self.do(instance_id, "Task_nilai", {"hasil_kerja": hasil_kerja, "perilaku": perilaku,
                                            "catatan_penilaian": "Sesuai bukti dukung.",
                                            **rating_parts(self.session, instance_id, hasil_kerja, perilaku)})

    def rate_head(self, instance_id: int, capaian: str, perilaku: str) -> None:
        """Rate a unit head: the unit's rating, every BerAKHLAK value as perilaku, then overall behaviour."""
        self.do(instance_id, "Task_nilai_kepala_unit", {"capaian_unit": capaian, "perilaku": perilaku,
                                                        **rating_parts(self.session, instance_id, None, perilaku)})

    def approve_documents(self, instance_id: int) -> None:
        self.do(instance_id, "Task_tandatangani", {"setuju_penilai": True})
        self.do(instance_id, "Task_terima_dokumen", {"setuju_pegawai": True})
        self.do(instance_id, "Task_setujui", {"setuju_atasan": True})
