"""The demo organisation and `kinerja demo`, and one full year of a demo bidang with the real lane resolver."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine import audit
from engine.clock import clock
from engine.models import AuditEvent, HumanTask, Instance, SpecVersion
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import instances
from tests.conftest import worker_pass as _pass
from tests.workflows.lifecycle import T0, rating_parts, realisasi_for
from workflows.models import DevelopmentPlan, Publication, Rating, Realisation, Signature, Skp, UnitRating
from workflows.models.org import ActingAssignment, Employee, UserAccount
from workflows.organisation import org
from workflows.organisation.demo_org import EMPLOYEES, PLT, build_demo_org
from workflows.organisation.nip import parse_identity

MAYA, IRFAN, AGUS = "199201252017082002", "199411192019031006", "198107192006041005"
KADIS, KABID_DAFDUK, CUTI = "197101201996031002", "197606182002121004", "198909302014031003"
RINA_PLT = PLT[1]


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash demo passwords cheaply: scrypt for ~70 accounts costs seconds per test."""
    monkeypatch.setattr("workflows.models.org.generate_password_hash",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"))


def test_demo_org_has_valid_numbers_a_plt_an_ineligible_employee_and_accounts(session: Session):
    clock.set(T0)
    built = build_demo_org(session, 2027)
    session.commit()
    employees = list(session.execute(select(Employee)).scalars())
    assert 70 <= len(employees) == len(EMPLOYEES) <= 80
    for e in employees:
        assert parse_identity(e.nip, e.kind).gender == e.gender
    assert {e.kind for e in employees} == {"pns", "pppk"}
    assert [e.status for e in employees if not org.eligible(e)] == ["cltn"]
    kabid_capil = org.position_by_code(session, PLT[0])
    [acting] = session.execute(select(ActingAssignment)).scalars()
    assert acting.kind == "plt" and acting.position is kabid_capil
    assert org.holder_of(session, kabid_capil, date(2027, 6, 1)).nip == RINA_PLT
    accounts = {a.username: a for a in session.execute(select(UserAccount)).scalars()}
    assert all(accounts[e.nip].employee is e for e in employees)
    assert accounts["pengelola.disdukcapil"].groups() == ["pengelola_kinerja:DISDUKCAPIL"]
    assert accounts["bkpsdm"].groups() == ["pengelola_kinerja", "pemilik_proses"]
    assert accounts["inspektorat"].roles == ["inspektorat"]
    assert accounts["tim.penilai"].groups() == ["tim_penilai_kinerja"]  # the tindak_lanjut default group
    assert accounts["admin"].check_password("kinerja-admin") and accounts[MAYA].check_password("kinerja-2002")
    assert built.created["account"] == len(accounts) == len(built.accounts)
    again = build_demo_org(session, 2027)
    assert set(again.created.values()) == {0} and not any(created for *_, created in again.accounts)


def _snapshot(session: Session) -> dict[str, Any]:
    session.expire_all()
    counts = {m.__name__: session.execute(select(func.count()).select_from(m)).scalar()
              for m in (Instance, HumanTask, AuditEvent, SpecVersion, Employee, ActingAssignment)}
    hashes = dict(session.execute(select(UserAccount.username, UserAccount.password_hash)).all())
    versions = sorted(session.execute(select(Instance.id, Instance.version)).all())
    session.rollback()  # SQLite transactions begin IMMEDIATE: let the CLI write
    return {"counts": counts, "hashes": hashes, "versions": versions}


def test_the_demo_calibrates_whole_opds_of_realistic_size(cli, session: Session):
    clock.set(T0)
    cli("demo")
    session.expire_all()
    sizes = {row.business_key.rsplit(":", 1)[1]: len(instances.variables(instances.load(session, row.id))["pegawai"])
             for row in session.execute(select(Instance).where(Instance.process_id == "kalibrasi_unit")).scalars()}
    session.rollback()
    assert sorted(sizes) == ["BKPSDM", "DISDUKCAPIL", "INSPEKTORAT", "KEC-SU", "PUPR", "SETDA"]
    # Two OPDs well over the minimum group of ten, each calibrated as a whole with its bidang and seksi.
    assert sizes["DISDUKCAPIL"] >= 20 and sizes["BKPSDM"] >= 12
    assert min(sizes.values()) >= 4


def test_kinerja_demo_twice_changes_nothing_the_second_time(cli, session: Session):
    clock.set(T0)
    out = cli("demo")
    assert "siklus_kinerja: 73 started, 0 already started, 1 skipped, 0 problem(s)" in out
    assert "pengelola.bkpsdm" in out and "kinerja-admin" in out
    before = _snapshot(session)
    assert before["counts"]["Instance"] == 73 + 6 + 6
    out = cli("demo")
    assert "siklus_kinerja: 0 started, 73 already started" in out and "0 employee(s) created" in out
    assert _snapshot(session) == before
    assert audit.verify(session) == []


# ---- one year of the whole demo organisation (73 cycles, 6 calibrations); in Disdukcapil the Sekretaris
# Dinas is Plt of a vacant Kabid.

ANSWERS: dict[str, dict[str, Any]] = {
    "Task_susun_skp": {"skp": {"rhk": [{"uraian": "Akta kelahiran terbit tepat waktu", "target": 100}]}},
    "Task_tinjau_skp": {"keputusan_skp": "setuju"},
    "Task_tandatangani_skp": {"setuju_pegawai_skp": True},
    "Task_tetapkan_skp_jpt": {"tetapkan_skp_jpt": True},
    "Task_beri_umpan_balik": {"umpan_balik": "Sesuai rencana.", "perlu_bimbingan": False},
    "Task_evaluasi_semester": {"hasil_kerja": "sesuai", "perilaku": "sesuai"},
    "Task_evaluasi_periodik": {"hasil_kerja": "sesuai", "perilaku": "sesuai"},
    "Task_tetapkan_capaian_periode": {"capaian_unit_periode": "baik"},
    "Task_nilai_kepala_unit": {"capaian_unit": "baik", "perilaku": "sesuai"},
    "Task_tetapkan_capaian": {"capaian_unit": "baik", "dasar_capaian": "Capaian perjanjian kinerja 2027"},
    "Task_tinjau_pelanggaran": {"tindakan_distribusi": "justifikasi",
                                "justifikasi_distribusi": "Unit kecil: pola distribusi tidak dapat dipenuhi."},
    "Task_beritahu_predikat": {"predikat_diketahui": True},
    "Task_tandatangani": {"setuju_penilai": True},
    "Task_terima_dokumen": {"setuju_pegawai": True},
    "Task_setujui": {"setuju_atasan": True},
    "Task_rencana_pengembangan": {"rekomendasi_pelatihan": "Pelatihan SIAK", "target_kompetensi": "Akta tepat waktu"},
    "Task_akui_rencana": {},
}
#: Appraisals of the staff: Sesuai Ekspektasi unless listed.
RATINGS = {MAYA: ("di_atas", "di_atas"), IRFAN: ("di_bawah", "sesuai")}
#: Nobody objects: the 14-day window runs out on its timer.
LEFT_OPEN = {"Task_ajukan_keberatan"}



def _actor(task: HumanTask, accounts: dict[str, UserAccount]) -> tuple[str, tuple[str, ...]]:
    """Return the demo account that may act on the task (its assignee, else a candidate by user or group)."""
    if task.assignee:
        assert task.assignee in accounts, (task.bpmn_id, task.assignee, task.properties)
        return task.assignee, ()
    users = {c.value for c in task.candidates if c.kind == "user"}
    groups = {c.value for c in task.candidates if c.kind == "group"}
    for account in accounts.values():
        if account.username in users or groups & set(account.groups()):
            return account.username, tuple(account.groups())
    raise AssertionError(f"no demo account may act on {task.bpmn_id}: {users} {groups} {task.properties}")


def _answer(session: Session, task: HumanTask) -> dict[str, Any]:
    if task.bpmn_id == "Task_nilai":
        nip = session.get(Instance, task.instance_id).business_key.rsplit(":", 1)[1]
        hasil_kerja, perilaku = RATINGS.get(nip, ("sesuai", "sesuai"))
        return {"hasil_kerja": hasil_kerja, "perilaku": perilaku, "catatan_penilaian": "Sesuai bukti dukung.",
                **rating_parts(session, task.instance_id, hasil_kerja, perilaku)}
    if task.bpmn_id == "Task_nilai_kepala_unit":
        return {**ANSWERS[task.bpmn_id], **rating_parts(session, task.instance_id, None, "sesuai")}
    if task.bpmn_id == "Task_catat_realisasi":
        return realisasi_for(session, task.instance_id)
    if task.bpmn_id == "Task_susun_skp":
        return {"skp": {"rhk": [{**rhk, **_cascade(task)} for rhk in ANSWERS[task.bpmn_id]["skp"]["rhk"]]}}
    return ANSWERS[task.bpmn_id]


def _cascade(task: HumanTask) -> dict[str, Any]:
    """Intervene on the superior's first RHK shown in the form, or say why there is none yet."""
    choices = (task.form.get("values") or {}).get("rhk_atasan") or []
    if choices:
        return {"rhk_atasan_id": choices[0]["id"]}
    return {"alasan_tanpa_intervensi": "RHK atasan belum diajukan saat SKP disusun"}


def test_the_demo_organisation_goes_through_the_whole_year(cli, session: Session, script_functions: None):
    """`kinerja demo` in January, then every task done by a demo account that may do it, timers passed."""
    clock.set(T0)
    out = cli("demo")
    assert "siklus_kinerja: 73 started" in out and "kalibrasi_unit: 6 started" in out
    assert "capaian_unit_periodik: 6 started" in out
    session.rollback()
    accounts = {a.username: a for a in session.execute(select(UserAccount)).scalars()}
    done_by: dict[str, set[str]] = {}
    for _ in range(6000):
        session.expire_all()
        open_tasks = list(session.execute(select(HumanTask).where(
            HumanTask.state == "open", HumanTask.bpmn_id.not_in(LEFT_OPEN)).order_by(HumanTask.id)).scalars())
        if open_tasks:
            task = open_tasks[0]
            user, groups = _actor(task, accounts)
            if task.assignee is None:
                tasks.claim(session, task.id, user, groups)
            tasks.complete(session, task.id, user, _answer(session, task), groups)
            session.commit()
            done_by.setdefault(task.bpmn_id, set()).add(user)
            continue
        active = list(session.execute(select(Instance).where(Instance.status != "completed")).scalars())
        if not active:
            break
        assert all(i.status != "error" for i in active), [i.error for i in active]
        due = min(i.next_timer_at for i in active if i.next_timer_at is not None)
        assert _pass(session, due + timedelta(seconds=1))
    else:
        raise AssertionError("the year did not finish")
    final = {i.business_key: i for i in session.execute(select(Instance)).scalars()}
    assert len(final) == 73 + 6 + 6 and {i.status for i in final.values()} == {"completed"}
    # Each OPD is calibrated as a whole: the Wali Kota (no ASN record) sets each OPD's rating through the
    # `walikota` account's group. In Disdukcapil the Plt rates the head of the seksi below the vacant post.
    assert done_by["Task_tetapkan_capaian"] == {"walikota"}
    assert {RINA_PLT, "walikota", KADIS, KABID_DAFDUK} <= done_by["Task_nilai_kepala_unit"]
    assert AGUS in done_by["Task_nilai"] and "Task_tinjau_pelanggaran" in done_by
    irfan = instances.variables(instances.load(session, final[f"skp:2027:{IRFAN}"].id))
    assert (irfan["predikat"], irfan["keberatan_hasil"]) == ("butuh_perbaikan", "tidak_diajukan")
    assert "Task_tetapkan_eskalasi" not in done_by
    timers = session.execute(select(func.count(AuditEvent.id)).where(AuditEvent.event_type == "timer_fired")).scalar()
    assert timers

    # The year is in the domain records: 73 agreed SKPs, each rated and signed three times over one hash.
    def count(model: Any, *where: Any) -> int:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
    cycles = {key: instances.variables(instances.load(session, i.id)) for key, i in final.items()
              if key.startswith("skp:")}
    assert len(cycles) == 73
    skps = list(session.execute(select(Skp)).scalars())
    assert len(skps) == 73 and {s.status for s in skps} == {"disetujui"}
    assert count(Rating, Rating.period == "akhir") == 73
    # A periodic predikat per quarter before Akhir, for every employee (the TPP basis).
    assert {p: count(Rating, Rating.period == p, Rating.predikat_usulan == "baik")
            for p in ("Triwulan I", "Triwulan II", "Triwulan III")} == dict.fromkeys(
        ("Triwulan I", "Triwulan II", "Triwulan III"), 73)
    assert count(Realisation) == 73 * 4 and count(UnitRating) == 6 * 4 and count(Publication) == 6
    # The SKP is signed by the appraiser and the employee when agreed (the Wali Kota appraises the JPT).
    assert count(Signature, Signature.document == "dokumen_evaluasi") == 73 * 3
    assert count(Signature, Signature.document == "skp") == 73 * 2
    for document, variable in (("dokumen_evaluasi", "hash_dokumen"), ("skp", "hash_skp")):
        hashes = {key: {s.content_sha256 for s in session.execute(select(Signature).join(Skp).where(
            Skp.instance_id == final[key].id, Signature.document == document)).scalars()} for key in cycles}
        assert all(hashes[key] == {data[variable]} for key, data in cycles.items())
    poor = [key for key, data in cycles.items()
            if data["predikat"] in ("butuh_perbaikan", "kurang_misconduct", "sangat_kurang")]
    assert f"skp:2027:{IRFAN}" in poor and count(DevelopmentPlan) == len(poor)
    session.rollback()
    assert cli("audit", "verify").strip() == "audit trail intact"
