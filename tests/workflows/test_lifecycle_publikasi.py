"""Publication after the appeals: the group's aggregate appears once every window is closed and every appeal decided."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import select

from engine.clock import clock
from engine.models import AuditEvent
from tests.workflows.lifecycle import NIP_ANI, NIP_BUDI, NIP_CITRA, Lifecycle, add_staff, siklus_data
from workflows.models import Employee, Publication
from workflows.organisation import org
from workflows.rating import ratings

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

LIFECYCLE_FILES = ["keberatan.bpmn", "pola_distribusi.dmn"]
STAFF = ["199101012016031001", "199202022017032002"]
NIP_LATE = "199505052020121003"
WINDOW_END = datetime(2027, 1, 18, 23, 59, 59, tzinfo=timezone(timedelta(hours=8))).astimezone(UTC)
PREDIKAT = {NIP_ANI: "butuh_perbaikan", NIP_BUDI: "baik", NIP_CITRA: "sangat_baik", STAFF[0]: "baik",
            STAFF[1]: "baik"}


def publications(lifecycle: Lifecycle) -> list[Publication]:
    lifecycle.session.expire_all()
    return list(lifecycle.session.execute(select(Publication).order_by(Publication.id)).scalars())


def notify(lifecycle: Lifecycle, nip: str, predikat: str) -> int:
    lifecycle.give_predikat(nip, predikat)
    iid = lifecycle.start("keberatan", siklus_data(nip, predikat=predikat), key=f"k-{nip}")
    lifecycle.do(iid, "Task_beritahu_predikat", {"predikat_diketahui": True})
    return iid


def test_publication_waits_for_every_window_and_appeal_and_a_late_member_republishes(lifecycle: Lifecycle):
    session = lifecycle.session
    add_staff(session, STAFF)
    ratings.set_unit_rating(session, org.unit_by_code(session, "SEKSI-A"), 2027, "baik", "kabid_a")
    session.commit()
    cycles = {nip: notify(lifecycle, nip, predikat) for nip, predikat in PREDIKAT.items()}
    for nip in (NIP_BUDI, NIP_CITRA, STAFF[0]):
        lifecycle.do(cycles[nip], "Task_ajukan_keberatan", {"ajukan_keberatan": "tidak"})
    assert publications(lifecycle) == []  # Ani and one colleague still have an open window
    ani = cycles[NIP_ANI]
    lifecycle.do(ani, "Task_ajukan_keberatan", {"ajukan_keberatan": "ajukan", "alasan_keberatan": "Bukti baru."})
    assert lifecycle.worker(WINDOW_END + timedelta(seconds=1)) == [cycles[STAFF[1]]]  # her window lapses
    assert publications(lifecycle) == []  # Ani's appeal is not decided yet
    assert "keberatan belum diputus" in " ".join(lifecycle.variables(cycles[STAFF[1]])["publikasi_agregat"]["menunggu"])
    lifecycle.do(ani, "Task_penjelasan_penilai", {"penjelasan_penilai": "Target tidak tercapai."})
    lifecycle.do(ani, "Task_penjelasan_pegawai", {"penjelasan_pegawai": "Lihat laporan."})
    lifecycle.do(ani, "Task_putuskan", {"keputusan_keberatan": "ubah", "predikat_baru": "baik",
                                         "alasan_keputusan": "Bukti baru diterima."})
    if lifecycle.open_tasks(ani, "Task_tinjau_distribusi"):  # a Baik unit without anyone below Baik
        lifecycle.do(ani, "Task_tinjau_distribusi", {"tindak_lanjut_kurva": "Dilaporkan kepada BKPSDM."})
    [first] = publications(lifecycle)
    # Published with the appeal's result; two cells, nobody consented: nothing is withheld.
    assert first.aggregate["versi"] == 1 and first.aggregate["jumlah_dinilai"] == 5
    assert first.aggregate["distribusi"] == {"sangat_baik": 1, "baik": 4, "butuh_perbaikan": 0,
                                             "kurang_misconduct": 0, "sangat_kurang": 0}
    assert lifecycle.variables(ani)["publikasi_agregat"] == {"terbit": True, "versi": 1, "menunggu": []}

    # A member who joins later (calibrated in a follow-up round) changes the group: a new version.
    clock.set(WINDOW_END + timedelta(days=30))
    late = Employee(nip=NIP_LATE, name="Eka", kind="pns", status="aktif", gender="L", updated_at=clock.now())
    session.add(late)
    org.transfer(session, late, org.position_by_code(session, "STAF-A"), date(2027, 2, 1))
    session.commit()
    eka = notify(lifecycle, NIP_LATE, "butuh_perbaikan")
    assert len(publications(lifecycle)) == 1
    lifecycle.do(eka, "Task_ajukan_keberatan", {"ajukan_keberatan": "tidak"})
    first_again, second = publications(lifecycle)
    assert second.aggregate["versi"] == 2 and second.aggregate["jumlah_dinilai"] == 6
    events = [json.loads(e.data) for e in session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "result_published").order_by(AuditEvent.id)).scalars()]
    assert [e["versi"] for e in events] == [1, 2]
    assert events[1]["sebelumnya"] == first_again.aggregate and events[1]["sesudah"] == second.aggregate
