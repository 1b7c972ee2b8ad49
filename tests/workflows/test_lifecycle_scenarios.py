"""Lifecycle scenarios across processes: publication after calibration, consent, an acting appraiser,
a mid-year transfer.

Ani (staff), Budi (staff) and Citra (head of SEKSI-A) run their cycles; the calibration of SEKSI-A
collects their proposals, the leader adjusts one and publishes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from engine import audit
from engine.clock import clock
from engine.errors import InvalidState
from engine.models import Instance
from engine.runtime.events import messages
from engine.runtime.human_tasks import assignment
from engine.runtime.lifecycle import instances
from tests.workflows.lifecycle import NIP_ANI, NIP_BUDI, NIP_CITRA, Lifecycle, realisasi_for, siklus_data
from workflows.cycle import cycles, partial_period, transfers
from workflows.models import Employee, Position, Publication, Skp
from workflows.organisation import lanes, org
from workflows.publishing import documents

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

NIP_DEDI = "197001012000011004"


@pytest.fixture(autouse=True)
def _restore_resolver() -> Iterator[None]:
    """Put back whatever lane resolver was installed before the test (a test may install the real one)."""
    before = assignment.get_resolver()
    yield
    assignment.set_resolver(before)


def use_real_lanes() -> None:
    """Resolve lanes from the organisation chart, as production does (after the lifecycle fixture's dict)."""
    assignment.set_resolver(lanes.LaneResolver())


def hire(lifecycle: Lifecycle, nip: str, name: str, position_code: str) -> Employee:
    session = lifecycle.session
    employee = Employee(nip=nip, name=name, kind="pns", status="aktif", gender="L", updated_at=clock.now())
    session.add(employee)
    org.transfer(session, employee, org.position_by_code(session, position_code), date(2026, 1, 2))
    session.commit()
    return employee


def _unit_until_calibration(lifecycle: Lifecycle) -> tuple[int, dict[str, int]]:
    """Start the calibration and three cycles and appraise them: Ani Sangat Baik, Budi Butuh Perbaikan, Citra Baik.

    The curve is enforced from three employees here (the default minimum is ten).
    """
    kalibrasi = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2027, "min_kelompok_kurva": 3,
                                                   "pegawai": [NIP_ANI, NIP_BUDI, NIP_CITRA]},
                                key="kalibrasi-SEKSI-A-2027")
    # Three people: the published distribution is shown from three (the default minimum is 5).
    cycles = {
        NIP_ANI: lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI, min_kelompok_publikasi=3),
                                 key=f"{NIP_ANI}-2027"),
        NIP_BUDI: lifecycle.start("siklus_kinerja", siklus_data(NIP_BUDI,
                                                                min_kelompok_publikasi=3), key=f"{NIP_BUDI}-2027"),
        NIP_CITRA: lifecycle.start("siklus_kinerja", siklus_data(
            NIP_CITRA, is_kepala_unit=True, jabatan_kode="KASI-A", jabatan_penilai_kode="KABID-A",
            jabatan_atasan_penilai_kode="KADIS", min_kelompok_publikasi=3), key=f"{NIP_CITRA}-2027"),
    }
    for iid in cycles.values():
        lifecycle.agree_skp(iid)
    for iid in cycles.values():  # the year passes, quarter by quarter, until the annual rating opens
        lifecycle.monitor_year(iid)
    lifecycle.rate(cycles[NIP_ANI], "di_atas", "di_atas")
    lifecycle.rate(cycles[NIP_BUDI], "di_bawah", "sesuai")
    lifecycle.rate_head(cycles[NIP_CITRA], "istimewa", "sesuai")
    return kalibrasi, cycles


def test_publication_shows_the_predikat_changed_in_calibration_and_names_only_consenting(lifecycle: Lifecycle):
    session = lifecycle.session
    kalibrasi, cycles = _unit_until_calibration(lifecycle)
    # Consent: Ani gives it, Budi gives it and revokes it, Citra never gives it.
    ani, budi = org.employee_by_nip(session, NIP_ANI), org.employee_by_nip(session, NIP_BUDI)
    documents.give_consent(session, ani, 2027, NIP_ANI)
    documents.give_consent(session, budi, 2027, NIP_BUDI)
    documents.revoke_consent(session, budi, 2027, NIP_BUDI)
    session.commit()

    # Unit rated Butuh Perbaikan while Citra, its head, was appraised with Istimewa: her predikat follows the
    # unit rating (Butuh Perbaikan). One Sangat Baik of three is over the 10% allowed: a review. The leader
    # lowers Ani to Baik, with the reason, and the distribution complies.
    lifecycle.do(kalibrasi, "Task_tetapkan_capaian", {"capaian_unit": "butuh_perbaikan", "dasar_capaian": "PK 2027"})
    lifecycle.do(kalibrasi, "Task_tinjau_pelanggaran", {"tindakan_distribusi": "sesuaikan"})
    lifecycle.do(kalibrasi, "Task_sesuaikan_predikat", {"penyesuaian": {NIP_ANI: "baik"}, "alasan_penyesuaian": {
        NIP_ANI: "Unit tidak mencapai target PK; kontribusi Ani sesuai ekspektasi."}})
    assert lifecycle.status(kalibrasi) == "completed"

    # Nothing is published until every member's objection window is closed.
    assert session.execute(select(Publication)).first() is None
    for iid in cycles.values():
        assert session.execute(select(Publication)).first() is None
        lifecycle.do(iid, "Task_beritahu_predikat", {"predikat_diketahui": True})
        lifecycle.do(iid, "Task_ajukan_keberatan", {"ajukan_keberatan": "tidak"})
    [publication] = session.execute(select(Publication)).scalars()
    aggregate = publication.aggregate
    # Ani's predikat is the one the leader set, not the appraiser's proposal.
    assert aggregate["distribusi"] == {"sangat_baik": 0, "baik": 1, "butuh_perbaikan": 2,
                                       "kurang_misconduct": 0, "sangat_kurang": 0}
    assert (aggregate["jumlah_pegawai"], aggregate["jumlah_dinilai"], aggregate["jumlah_belum_dinilai"]) == (3, 3, 0)
    # Only Ani consented (Budi revoked, Citra never gave it); the counts include everyone. Naming Ani would
    # reveal the other two: both are Butuh Perbaikan, so her name is withheld and the counts alone published.
    assert aggregate["individu"] == [] and aggregate["ditahan"] == "dapat_disimpulkan"
    assert lifecycle.variables(cycles[NIP_CITRA])["publikasi_agregat"]["terbit"] is True
    assert lifecycle.variables(kalibrasi)["agregat_unit"]["jumlah_per_predikat"] == aggregate["distribusi"]
    # The cycles record the same final predikat right after.
    assert lifecycle.variables(cycles[NIP_ANI])["predikat"] == "baik"
    assert audit.verify(session) == []


def test_a_plt_appraiser_gets_the_tasks_during_the_plt_period_and_the_holder_after(lifecycle: Lifecycle):
    use_real_lanes()
    session = lifecycle.session
    dedi = hire(lifecycle, NIP_DEDI, "Dedi", "KABID-A")  # head of the bidang above SEKSI-A
    # Citra (KASI-A, Ani's appraiser) is away: Dedi is Plt of KASI-A in January, appointed before any task.
    org.appoint_acting(session, org.position_by_code(session, "KASI-A"), dedi, "plt",
                       date(2027, 1, 4), date(2027, 1, 31), "Sprint Plt Kasi A")
    session.commit()
    ani = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key=f"{NIP_ANI}-2027")

    lifecycle.do(ani, "Task_susun_skp", {"skp": {"rhk": [{"uraian": "Layanan KTP-el", "target": 100}]}})
    review = lifecycle.task(ani, "Task_tinjau_skp")
    assert review.assignee == NIP_DEDI  # the Plt, not the definitive holder
    lifecycle.complete(review, {"keputusan_skp": "setuju"})
    lifecycle.do(ani, "Task_tandatangani_skp", {"setuju_pegawai_skp": True})

    # The Plt period ends; the next appraiser's task (Triwulan I, from 24 March) goes to Citra, the holder.
    lifecycle.next_timer(ani)
    assert lifecycle.task(ani, "Task_catat_realisasi").assignee == NIP_ANI
    lifecycle.do(ani, "Task_catat_realisasi", realisasi_for(lifecycle.session, ani))
    feedback = lifecycle.task(ani, "Task_beri_umpan_balik")
    assert feedback.assignee == NIP_CITRA
    lifecycle.complete(feedback, {"umpan_balik": "Sesuai rencana.", "perlu_bimbingan": False})
    assert lifecycle.status(ani) in ("running", "waiting")
    assert audit.verify(session) == []


def test_a_mid_year_transfer_ends_the_cycle_and_starts_one_for_the_new_position(lifecycle: Lifecycle):
    session = lifecycle.session
    first = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key=cycles.cycle_key(2027, NIP_ANI))
    lifecycle.agree_skp(first)
    [old_skp] = session.execute(select(Skp)).scalars()
    assert old_skp.instance_id == first and old_skp.status == "disetujui"

    # 1 July: Ani moves from the seksi to a staff position of the bidang, appraised by its head.
    clock.set(datetime(2027, 7, 1, 0, 0, tzinfo=UTC))
    bidang = org.unit_by_code(session, "BIDANG-A")
    staf_bidang = Position(code="STAF-B", name="Jabatan STAF-B", kind="pelaksana", unit=bidang,
                           reports_to=org.position_by_code(session, "KABID-A"))
    session.add(staf_bidang)
    ani = org.employee_by_nip(session, NIP_ANI)
    org.transfer(session, ani, staf_bidang, date(2027, 7, 1))
    settings = cycles.CycleSettings()
    second = transfers.restart_after_transfer(session, ani, 2027, "pengelola1", settings)
    session.commit()

    old = lifecycle.instance(first)
    assert (old.status, old.status_reason) == ("terminated", "Mutasi ke STAF-B (Jabatan STAF-B)")
    assert lifecycle.open_tasks(first) == []
    assert second.business_key == f"skp:2027:{NIP_ANI}:2" and lifecycle.status(second.id) != "terminated"
    data = lifecycle.variables(second.id)
    assert (data["unit_kode"], data["jabatan_kode"], data["jabatan_penilai_kode"]) == ("BIDANG-A", "STAF-B", "KABID-A")
    assert lifecycle.task(second.id, "Task_susun_skp").assignee == NIP_ANI
    # The new SKP is due 30 days after the transfer date (batas_skp_pindah P30D), not at the end of January.
    assert (data["tanggal_mutasi"], data["batas_skp"]) == ("2027-07-01", "2027-07-31T23:59:59+08:00")
    assert lifecycle.task(second.id, "Task_susun_skp").due_at.replace(tzinfo=UTC) == datetime(
        2027, 7, 31, 15, 59, 59, tzinfo=UTC)

    # The earlier SKP waits for the old appraiser to rate January to June, then closes with its plan kept.
    skps = list(session.execute(select(Skp).order_by(Skp.id)).scalars())
    assert [(s.instance_id, s.status, s.period_start) for s in skps] == [
        (first, "disetujui", date(2027, 1, 1)), (second.id, skps[1].status, date(2027, 7, 1))]
    assert skps[1].status != "ditutup"
    rate_partial(lifecycle, skps[0], "kasi_a", datetime(2027, 7, 15, 15, 59, 59, tzinfo=UTC))
    found = partial_period.partial_period_of(session, skps[0])
    assert found is not None
    rating, period = found
    assert (rating.period, rating.hasil_kerja, rating.perilaku, rating.rated_by) == (
        "parsial", "di_atas", "sesuai", "kasi_a")
    assert rating.predikat_usulan == "baik"  # predikat_kinerja.dmn: di atas / sesuai
    assert (period.period_start, period.period_end) == (date(2027, 1, 1), date(2027, 6, 30))
    assert skps[0].status == "ditutup"
    assert skps[0].closed_reason == "Mutasi ke STAF-B (Jabatan STAF-B)" and len(skps[0].rhk) == 1
    assert skps[1].unit_id == bidang.id and skps[1].employee_id == ani.id
    lifecycle.agree_skp(second.id)
    assert skps[1].status == "disetujui"

    # A second transfer in the year: the third cycle gets the suffix :3, the second SKP is closed too.
    clock.set(datetime(2027, 9, 1, 0, 0, tzinfo=UTC))
    org.transfer(session, ani, org.position_by_code(session, "STAF-A"), date(2027, 9, 1))
    third = transfers.restart_after_transfer(session, ani, 2027, "pengelola1", cycles.CycleSettings(
        batas_skp="2027-09-20T23:59:59+08:00"))
    session.commit()
    # An operator's batas_skp for the cycle wins over the count from the transfer date.
    assert lifecycle.variables(third.id)["batas_skp"] == "2027-09-20T23:59:59+08:00"
    rate_partial(lifecycle, skps[1], "kabid_a", datetime(2027, 9, 15, 15, 59, 59, tzinfo=UTC))
    assert third.business_key == f"skp:2027:{NIP_ANI}:3" and lifecycle.status(second.id) == "terminated"
    assert [(s.status, s.period_start) for s in session.execute(select(Skp).order_by(Skp.id)).scalars()] == [
        ("ditutup", date(2027, 1, 1)), ("ditutup", date(2027, 7, 1)), ("draft", date(2027, 9, 1))]

    # A terminated instance stays terminated.
    with pytest.raises(InvalidState, match="already terminated"):
        instances.terminate(session, first, "pengelola1", "lagi")
    session.rollback()
    assert audit.verify(session) == []


def rate_partial(lifecycle: Lifecycle, old: Skp, appraiser: str, due: datetime) -> None:
    """The old appraiser rates the partial period of a transfer, due 14 days after it."""
    partial = lifecycle.session.execute(select(Instance).where(
        Instance.business_key == partial_period.partial_key(old))).scalar_one()
    task = lifecycle.task(partial.id, "Task_nilai_periode_parsial")
    assert task.assignee == appraiser and task.due_at is not None and task.due_at.replace(tzinfo=UTC) == due
    lifecycle.complete(task, {"hasil_kerja": "di_atas", "perilaku": "sesuai"})
    assert lifecycle.status(partial.id) == "completed"
    lifecycle.session.expire_all()


@pytest.mark.parametrize("capaian_first", [True, False], ids=["capaian-first", "capaian-last"])
def test_the_calibrations_follow_a_transfer(lifecycle: Lifecycle, capaian_first: bool):
    session = lifecycle.session
    # The seksi and the bidang are calibration units of their own (by default both go with the dinas).
    for code in ("SEKSI-A", "BIDANG-A"):
        org.unit_by_code(session, code).calibration_unit = True
    session.commit()
    seksi = lifecycle.start("kalibrasi_unit", {"unit_kode": "SEKSI-A", "tahun": 2027, "min_kelompok_kurva": 1,
                                               "pegawai": [NIP_ANI, NIP_BUDI]}, key="kalibrasi:2027:SEKSI-A")
    bidang = lifecycle.start("kalibrasi_unit", {"unit_kode": "BIDANG-A", "tahun": 2027, "pegawai": [NIP_CITRA]},
                             key="kalibrasi:2027:BIDANG-A")
    if capaian_first:
        lifecycle.do(seksi, "Task_tetapkan_capaian", {"capaian_unit": "baik", "dasar_capaian": "PK 2027"})
    first = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key=cycles.cycle_key(2027, NIP_ANI))

    clock.set(datetime(2027, 7, 1, 0, 0, tzinfo=UTC))
    staf_bidang = Position(code="STAF-B", name="Jabatan STAF-B", kind="pelaksana",
                           unit=org.unit_by_code(session, "BIDANG-A"),
                           reports_to=org.position_by_code(session, "KABID-A"))
    session.add(staf_bidang)
    ani = org.employee_by_nip(session, NIP_ANI)
    org.transfer(session, ani, staf_bidang, date(2027, 7, 1))
    transfers.restart_after_transfer(session, ani, 2027, "pengelola1", cycles.CycleSettings())
    session.commit()

    # The seksi no longer waits for Ani; the bidang now does.
    if capaian_first:
        assert lifecycle.variables(seksi)["pegawai"] == [NIP_BUDI]
    lifecycle.do(bidang, "Task_tetapkan_capaian", {"capaian_unit": "baik", "dasar_capaian": "PK 2027"})
    assert lifecycle.variables(bidang)["pegawai"] == [NIP_CITRA, NIP_ANI]
    moves = {(d["payload"]["unit_kode"], d["payload"]["perubahan"]) for iid in (seksi, bidang)
             for _, d in lifecycle.events(iid, "message_delivered")}
    assert moves == {("SEKSI-A", "keluar"), ("BIDANG-A", "masuk")}
    assert lifecycle.status(first) == "terminated"

    # Budi's rating is the last one the seksi waits for: its calibration goes on without Ani.
    messages.send(session, "penilaian_selesai", {"nip": NIP_BUDI, "unit_kode": "SEKSI-A", "tahun": 2027,
                                                 "predikat_usulan": "baik"}, "test")
    session.commit()
    if not capaian_first:  # the leader's branch, with the unit list as it started, reaches the join last
        lifecycle.do(seksi, "Task_tetapkan_capaian", {"capaian_unit": "baik", "dasar_capaian": "PK 2027"})
    data = lifecycle.variables(seksi)
    assert data["pegawai"] == [NIP_BUDI] and data["jumlah_dinilai"] == 1
    assert data["penilaian"] == {NIP_BUDI: "baik"} and data["semua_masuk"] is True
    # One Baik of one is 100% Baik, over the 70% a "baik" unit allows: the leader reviews it now.
    assert lifecycle.task(seksi, "Task_tinjau_pelanggaran").assignee == "kabid_a"
    assert lifecycle.variables(bidang)["semua_masuk"] is False
    assert audit.verify(session) == []
