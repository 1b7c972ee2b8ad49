"""The demo year as the rules run it (issue #8 "Done when"): the real demo organisation, the real bpmn/ and
lane resolver, every task done by a demo account that may do it, the engine clock moved from January 2027
to February 2028.

One seksi of Disdukcapil (Identitas Penduduk, 9 people) is opened first with the multi-rater feedback, then
the rest of the city with `cycle open`, both with a minimum published group of six. In Disdukcapil (25 rated)
the Wali Kota downgrades one employee at calibration with a written reason; he objects and the re-opened
calibration restores him. The whole city (73 cycles, 6 calibrations) runs in about two minutes.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import clock
from engine.definitions import specs
from engine.definitions.validation import read_paths
from engine.errors import FormInvalid
from engine.models import AuditEvent, HumanTask, Instance
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import instances
from tests.conftest import worker_pass
from tests.workflows.lifecycle import BPMN_DIR, T0, rating_parts
from tests.workflows.test_demo import ANSWERS, IRFAN, MAYA, _actor, _answer, fast_hashing  # noqa: F401
from workflows.data_protection import privacy
from workflows.models import Publication, Rating, Realisation, Skp, UnitRating
from workflows.models.org import Unit, UserAccount
from workflows.models.periods import MonitoringPeriod
from workflows.models.records import PredikatRecord
from workflows.organisation.demo_org import build_demo_org

WITA = clock.local_tz
VALUES = ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif")

#: Seksi Identitas Penduduk, opened with the multi-rater feedback: its head, six operators, two DBAs.
IDENTITAS = ["198202142008011006", "199108172015032003", "199510292020121009", "199703112023212004",
             "199305142018032001", "199607222020121002", "199811032023212011", "199212052021211005",
             "199301282019031016"]
YULIANA, ADITYA, AYU, RAHMAWATI = IDENTITAS[1:5]
RIZKY = IDENTITAS[7]
#: Yuliana asks three colleagues (Rahmawati cannot judge loyalty); everyone else asks only two.
YULIANA_RATERS = {ADITYA: 3, AYU: 4, RAHMAWATI: 5}

#: Disdukcapil staff the appraisers rate above expectations: with Irfan (Butuh Perbaikan) and the 18 others
#: Baik, Baik is 18 of 25 = 72%, over the 70% a Baik unit allows.
SANGAT_BAIK = {MAYA, "199004082014032008", "199212052021211005", "198912112014032015", "199709092022032012",
               "199506062020122013"}
#: Whom the Wali Kota downgrades at calibration (Baik -> Butuh Perbaikan), and why.
YUDI = "199012202015031011"
ALASAN_KALIBRASI = "Dua dari tiga IKI tidak didukung bukti dukung yang sah."
ALASAN_KEBERATAN = "Bukti dukung tersimpan di arsip bidang, bukan di aplikasi."
ALASAN_PUTUSAN = "Bukti dukung dari arsip bidang diterima; predikat usulan penilai dipulihkan."


def wita(*args: int) -> datetime:
    """Return a WITA wall-clock moment."""
    return datetime(*args, tzinfo=WITA)  # type: ignore[misc]


def owner(session: Session, task: HumanTask) -> str:
    """Return the last part of the task's business key: the NIP of a cycle, the unit of a calibration."""
    return session.get(Instance, task.instance_id).business_key.rsplit(":", 1)[1]


def variables(session: Session, key: str) -> dict[str, Any]:
    row = session.execute(select(Instance).where(Instance.business_key == key)).scalar_one()
    return instances.variables(instances.load(session, row.id))


class Year:
    """Answers the demo tasks the way this year goes, and remembers what the people saw."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: dict[str, Any] = {}
        self.reviewed: set[str] = set()

    def answer(self, task: HumanTask) -> dict[str, Any]:
        who = owner(self.session, task)
        if task.bpmn_id == "Task_nilai" and who in SANGAT_BAIK:
            return {"hasil_kerja": "di_atas", "perilaku": "di_atas", "catatan_penilaian": "Melampaui target.",
                    **rating_parts(self.session, task.instance_id, "di_atas", "di_atas")}
        if task.bpmn_id == "Task_pilih_rekan":
            others = [nip for nip in IDENTITAS if nip != who]
            return {"daftar_rekan": list(YULIANA_RATERS) if who == YULIANA else others[:2]}
        if task.bpmn_id == "Task_beri_umpan_balik_berakhlak":
            score = YULIANA_RATERS.get(task.assignee or "", 4) if who == YULIANA else 4
            answers = {v: score for v in VALUES if not (who == YULIANA and task.assignee == RAHMAWATI and v == "loyal")}
            return {**answers, "komentar": f"Pelayanan rapi (penilai {score})"}
        if task.bpmn_id == "Task_penilaian_diri":
            return dict.fromkeys(VALUES, 5)
        if task.bpmn_id == "Task_tinjau_pelanggaran":
            if who == "DISDUKCAPIL" and who not in self.reviewed:
                self.reviewed.add(who)
                self.seen["pelanggaran"] = instances.variables(instances.load(self.session, task.instance_id))
                return {"tindakan_distribusi": "sesuaikan"}
            return ANSWERS[task.bpmn_id]
        if task.bpmn_id == "Task_sesuaikan_predikat":
            self.refuse_without_reason(task)
            return {"penyesuaian": {YUDI: "butuh_perbaikan"}, "alasan_penyesuaian": {YUDI: ALASAN_KALIBRASI}}
        if task.bpmn_id == "Task_ajukan_keberatan":
            self.seen["notice"] = instances.variables(instances.load(self.session, task.instance_id))
            self.seen["notice_task"] = (task.created_at, task.due_at)
            return {"ajukan_keberatan": "ajukan", "alasan_keberatan": ALASAN_KEBERATAN}
        if task.bpmn_id == "Task_penjelasan_penilai":
            return {"penjelasan_penilai": "Bukti dukung tidak diunggah pada aplikasi."}
        if task.bpmn_id == "Task_penjelasan_pegawai":
            return {"penjelasan_pegawai": "Bukti dukung ada di arsip bidang sejak Oktober."}
        if task.bpmn_id in ("Task_tinjau_ulang_kalibrasi", "Task_putuskan"):
            return {"keputusan_keberatan": "ubah", "predikat_baru": "baik", "alasan_keputusan": ALASAN_PUTUSAN}
        if task.bpmn_id == "Task_tinjau_distribusi":
            return {"tindak_lanjut_kurva": "Pola distribusi dilaporkan kepada BKPSDM."}
        return _answer(self.session, task)

    def refuse_without_reason(self, task: HumanTask) -> None:
        """A change without its written reason is refused and leaves the task open."""
        accounts = {a.username: a for a in self.session.execute(select(UserAccount)).scalars()}
        user, groups = _actor(task, accounts)
        with pytest.raises(FormInvalid) as refused:
            tasks.complete(self.session, task.id, user, {"penyesuaian": {YUDI: "butuh_perbaikan"}}, groups)
        self.session.rollback()
        self.seen["refused"] = list(refused.value.errors)
        assert self.session.get(HumanTask, task.id).state == "open"

    def waits(self, task: HumanTask, others: list[HumanTask]) -> bool:
        """Nobody objects but Yudi (the other windows run out); his appeal is explained after they closed."""
        if task.bpmn_id == "Task_ajukan_keberatan":
            return owner(self.session, task) != YUDI
        if task.bpmn_id in ("Task_penjelasan_penilai", "Task_penjelasan_pegawai"):
            waiting = any(t.bpmn_id == "Task_ajukan_keberatan" for t in others)
            if not waiting and "before_appeal" not in self.seen:
                self.seen["before_appeal"] = (clock.now(), publications(self.session),
                                              variables(self.session, f"skp:2027:{IRFAN}")["publikasi_agregat"])
            return waiting
        return False


def publications(session: Session) -> dict[str, list[dict[str, Any]]]:
    rows = session.execute(select(Unit.code, Publication.aggregate).join(Unit, Unit.id == Publication.unit_id)
                           .order_by(Publication.id)).all()
    found: dict[str, list[dict[str, Any]]] = {}
    for code, aggregate in rows:
        found.setdefault(code, []).append(aggregate)
    return found


def drive_year(session: Session, year: Year) -> dict[str, set[str]]:
    """Do every open task (lowest id first) unless the year makes it wait; else pass the next timer."""
    accounts = {a.username: a for a in session.execute(select(UserAccount)).scalars()}
    done_by: dict[str, set[str]] = {}
    for _ in range(8000):
        session.expire_all()
        open_tasks = list(session.execute(select(HumanTask).where(HumanTask.state == "open")
                                          .order_by(HumanTask.id)).scalars())
        ready = [t for t in open_tasks if not year.waits(t, open_tasks)]
        if ready:
            task = ready[0]
            user, groups = _actor(task, accounts)
            if task.assignee is None:
                tasks.claim(session, task.id, user, groups)
                session.commit()
            tasks.complete(session, task.id, user, year.answer(task), groups)
            session.commit()
            done_by.setdefault(task.bpmn_id, set()).add(user)
            continue
        active = list(session.execute(select(Instance).where(Instance.status != "completed")).scalars())
        if not active:
            return done_by
        assert all(i.status != "error" for i in active), [i.error for i in active]
        due = min(i.next_timer_at for i in active if i.next_timer_at is not None)
        assert worker_pass(session, due + timedelta(seconds=1))
    raise AssertionError("the year did not finish")


def test_the_demo_year_from_january_to_the_next_february(cli, session: Session, script_functions: None):
    clock.set(T0)  # Monday 4 January 2027, 08:00 WITA
    build_demo_org(session, 2027)
    specs.deploy(session, read_paths([str(BPMN_DIR)]), "demo")
    session.commit()
    # The BKPSDM publishes no distribution of a group under six people this year (default five).
    out = cli("cycle", "open", "2027", "--unit", "DUKCAPIL-IDENTITAS", "--umpan-balik-rekan",
              "--min-kelompok-publikasi", "6")
    assert "siklus_kinerja: 9 started" in out
    out = cli("cycle", "open", "2027", "--min-kelompok-publikasi", "6")
    assert "siklus_kinerja: 64 started, 9 already started" in out
    # Maya consents to her own result being published by name (UU 14/2008 Ps 18).
    cli("consent", "give", "--nip", MAYA, "--tahun", "2027", "--teks", "Saya setuju predikat saya diumumkan.")
    session.rollback()

    year = Year(session)
    done_by = drive_year(session, year)
    assert year.seen["refused"] == [f"alasan_penyesuaian/{YUDI}"]

    every = {i.business_key: i for i in session.execute(select(Instance)).scalars()}
    assert len(every) == 73 + 6 + 6 and {i.status for i in every.values()} == {"completed"}

    # ---- The calendar: four quarters at calendar dates, whatever day the SKP was agreed.
    maya_skp = session.execute(select(Skp).join(Instance, Instance.id == Skp.instance_id)
                               .where(Instance.business_key == f"skp:2027:{MAYA}")).scalar_one()
    periods = list(session.execute(select(MonitoringPeriod).where(MonitoringPeriod.skp_id == maya_skp.id)
                                   .order_by(MonitoringPeriod.seq)).scalars())
    assert [(p.name, p.starts_on, p.ends_on) for p in periods] == [
        ("Triwulan I", date(2027, 1, 1), date(2027, 3, 31)), ("Triwulan II", date(2027, 4, 1), date(2027, 6, 30)),
        ("Triwulan III", date(2027, 7, 1), date(2027, 9, 30)),
        ("Triwulan IV-Akhir", date(2027, 10, 1), date(2027, 12, 31))]
    realisation_tasks = list(session.execute(select(HumanTask).where(
        HumanTask.instance_id == every[f"skp:2027:{MAYA}"].id, HumanTask.bpmn_id == "Task_catat_realisasi")
        .order_by(HumanTask.id)).scalars())
    # Each opens seven days before its quarter ends and is due at the end of the fifth day after it (WITA).
    assert [(t.created_at.astimezone(WITA).date(), t.due_at.astimezone(WITA)) for t in realisation_tasks] == [
        (date(2027, 3, 24), wita(2027, 4, 5, 23, 59, 59)), (date(2027, 6, 23), wita(2027, 7, 5, 23, 59, 59)),
        (date(2027, 9, 23), wita(2027, 10, 5, 23, 59, 59)), (date(2027, 12, 24), wita(2028, 1, 5, 23, 59, 59))]
    assert len(session.execute(select(Realisation.id)).all()) == 73 * 4

    # Periodic predikat per quarter for everybody (the TPP basis); the leaders rate their unit each period.
    def count_ratings(period: str) -> int:
        return len(session.execute(select(Rating.id).where(Rating.period == period)).all())
    assert [count_ratings(p) for p in ("Triwulan I", "Triwulan II", "Triwulan III", "akhir")] == [73] * 4
    unit_ratings = session.execute(select(Unit.code, UnitRating.period, UnitRating.set_by)
                                   .join(Unit, Unit.id == UnitRating.unit_id)).all()
    assert {(code, period) for code, period, _ in unit_ratings if code == "DISDUKCAPIL"} == {
        ("DISDUKCAPIL", p) for p in ("Triwulan I", "Triwulan II", "Triwulan III", "akhir")}
    assert {by for code, _, by in unit_ratings if code == "DISDUKCAPIL"} == {"walikota"}

    # ---- The annual rating opens on 1 January 2028, after the year: nothing to rate on 30 December.
    rating_tasks = list(session.execute(select(HumanTask).where(
        HumanTask.bpmn_id.in_(("Task_nilai", "Task_nilai_kepala_unit")))).scalars())
    assert len(rating_tasks) == 73
    first = min(t.created_at for t in rating_tasks).astimezone(WITA)
    assert wita(2028, 1, 1) <= first < wita(2028, 1, 1, 0, 1)
    assert {t.due_at.astimezone(WITA) for t in rating_tasks} == {wita(2028, 1, 31, 23, 59, 59)}

    # ---- Disdukcapil is calibrated as a whole (25 rated): Baik 18 of 25 breaks the 70% of a Baik unit.
    review = year.seen["pelanggaran"]
    assert len(review["penilaian"]) == 25 and review["capaian_unit"] == "baik"
    assert "Baik 72.0% melebihi batas 70%" in " ".join(review["pelanggaran"])
    calibration = variables(session, "kalibrasi:2027:DISDUKCAPIL")
    [change] = calibration["riwayat_penyesuaian"]
    assert (change["nip"], change["sebelum"], change["sesudah"], change["alasan"]) == (
        YUDI, "baik", "butuh_perbaikan", ALASAN_KALIBRASI)
    assert calibration["jumlah_predikat"]["baik"] == 17  # 68%: the curve holds after the downgrade

    # Yudi's notice, delivered on 1 January 2028, names the downgrade's reason and his last day.
    notice = year.seen["notice"]
    assert (notice["predikat_usulan"], notice["predikat"]) == ("baik", "butuh_perbaikan")
    text = notice["pemberitahuan_predikat"]
    assert ALASAN_KALIBRASI in text and "15 Januari 2028" in text and "Butuh Perbaikan" in text
    delivered, due = year.seen["notice_task"]
    assert delivered.astimezone(WITA).date() == date(2028, 1, 1)
    assert due.astimezone(WITA) == wita(2028, 1, 15, 23, 59, 59)

    # ---- The appeal against a calibration downgrade re-opens the calibration for its leader, the Wali Kota.
    yudi = variables(session, f"skp:2027:{YUDI}")
    assert yudi["jalur_keberatan"] == "kalibrasi_ulang"
    assert (yudi["keberatan_hasil"], yudi["predikat_sebelum_keberatan"], yudi["predikat"]) == (
        "diubah", "butuh_perbaikan", "baik")
    assert done_by["Task_tinjau_ulang_kalibrasi"] == {"walikota"} and "Task_putuskan" not in done_by
    # Restored, Baik is 72% again: the leader is given the curve to review, the decision stands.
    assert done_by["Task_tinjau_distribusi"] == {"walikota"}
    history = [(r.predikat, r.source) for r in session.execute(select(PredikatRecord).join(Skp).join(
        Instance, Instance.id == Skp.instance_id).where(Instance.business_key == f"skp:2027:{YUDI}")
        .order_by(PredikatRecord.id)).scalars()]
    assert history == [("baik", "rating"), ("butuh_perbaikan", "kalibrasi"), ("baik", "keberatan")]

    # ---- Publication waits for the appeal: when every other window had closed, Disdukcapil was not out.
    _, published_then, irfan_view = year.seen["before_appeal"]
    assert "DISDUKCAPIL" not in published_then
    assert "keberatan belum diputus" in " ".join(irfan_view["menunggu"])
    published = publications(session)
    # One version: the appeal was decided before the group could publish, so its result is in it.
    [disdukcapil] = published["DISDUKCAPIL"]
    assert (disdukcapil["versi"], disdukcapil["jumlah_dinilai"], disdukcapil["ditahan"]) == (1, 25, None)
    assert disdukcapil["distribusi"] == {"sangat_baik": 6, "baik": 18, "butuh_perbaikan": 1,
                                         "kurang_misconduct": 0, "sangat_kurang": 0}
    # Her name beside her predikat leaves the other 24 spread over three predikat: nobody is deducible.
    assert disdukcapil["individu"] == [{"nip": MAYA, "nama": "Maya Sari, S.Sos.", "predikat": "sangat_baik"}]
    # The Setda's five are under the minimum of six: totals only. Elsewhere everyone is Baik: the
    # distribution would reveal each person, so it is withheld too.
    assert {code: (v[-1]["jumlah_dinilai"], v[-1]["distribusi"], v[-1]["ditahan"]) for code, v in published.items()
            if code != "DISDUKCAPIL"} == {"SETDA": (5, None, "kelompok_kecil"),
                                          **{code: (n, None, "dapat_disimpulkan") for code, n in (
                                              ("BKPSDM", 15), ("INSPEKTORAT", 9), ("KEC-SU", 11), ("PUPR", 8))}}

    # ---- Multi-rater feedback: a mean per question only over three raters; the employee sees no rater.
    yuliana = variables(session, f"skp:2027:{YULIANA}")
    assert yuliana["agregat_rekan"]["akuntabel"] == {"rata_rata": 4.0, "jumlah": 3}
    assert yuliana["agregat_rekan"]["loyal"]["rata_rata"] is None  # only two raters judged loyalty
    assert sorted(yuliana["komentar_rekan"]) == [f"Pelayanan rapi (penilai {s})" for s in (3, 4, 5)]
    rizky = variables(session, f"skp:2027:{RIZKY}")  # two raters: nothing shown
    assert rizky["agregat_rekan_tampil"] is False and rizky["komentar_rekan"] == []
    assert all(v["rata_rata"] is None for v in rizky["agregat_rekan"].values())
    trail = json.dumps(privacy.trail_for_employee(session, YULIANA, 2027), default=str)
    assert not any(nip in trail for nip in YULIANA_RATERS) and "task_data_confidential" not in trail
    yudi_trail = privacy.trail_for_employee(session, YUDI, 2027)
    assert ALASAN_KALIBRASI in json.dumps(yudi_trail) and ALASAN_PUTUSAN in json.dumps(yudi_trail)
    assert session.execute(select(AuditEvent.id).where(AuditEvent.event_type == "result_published")).first()
    assert audit.verify(session) == []
