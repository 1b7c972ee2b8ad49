"""Stage 1, perencanaan_skp inside siklus_kinerja: agreement, returns, the 31 January deadline."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import audit
from engine.errors import FormInvalid
from engine.runtime.lifecycle import instances
from tests.workflows.lifecycle import NIP_ANI, NIP_BUDI, NIP_CITRA, POSITION_HOLDERS, Lifecycle, siklus_data
from workflows.models import BehaviourExpectation, Employee, Position, Signature, Skp
from workflows.organisation import org
from workflows.planning import skp as skp_records
from workflows.planning.skp_views import skp_document
from workflows.publishing.documents import document_hash

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]


def plan(text: str = "Layanan KTP-el") -> dict:
    """Return an skp_editor value with one RHK and its target."""
    return {"rhk": [{"uraian": text, "target": 100}]}


def the_skp(lifecycle: Lifecycle, iid: int) -> Skp:
    lifecycle.session.expire_all()
    return lifecycle.session.execute(select(Skp).where(Skp.instance_id == iid)).scalar_one()


def test_skp_agreed_first_time(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key=f"{NIP_ANI}-2027")
    susun = lifecycle.task(iid, "Task_susun_skp")
    assert (susun.assignee, susun.lane, susun.process_id) == (NIP_ANI, "Pegawai", "perencanaan_skp")
    assert susun.form["key"] == "skp_editor" and susun.form["fields"] == []
    assert susun.due_at.astimezone(UTC) == datetime(2027, 1, 31, 15, 59, 59, tzinfo=UTC)
    found = the_skp(lifecycle, iid)  # opened at the start, with the snapshots of the org chart
    assert (found.status, found.year) == ("draft", 2027)
    assert [lifecycle.session.get(Position, i).code for i in (found.position_id, found.appraiser_position_id,
                                                               found.appraiser_superior_position_id)] == [
        "STAF-A", "KASI-A", "KABID-A"]
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan()})
    assert [r.text for r in the_skp(lifecycle, iid).rhk] == ["Layanan KTP-el"]
    tinjau = lifecycle.task(iid, "Task_tinjau_skp")
    assert tinjau.assignee == "kasi_a"
    expectations = {"berorientasi_pelayanan": "Antrean loket KTP-el selesai sebelum pukul 14.00",
                    "kolaboratif": "Berbagi data dengan kecamatan tiap pekan"}
    with pytest.raises(FormInvalid) as refused:  # only BerAKHLAK values have expectations
        lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "setuju", "ekspektasi_pimpinan": {"jujur": "x"}})
    assert list(refused.value.errors) == ["ekspektasi_pimpinan"]
    lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "setuju", "ekspektasi_pimpinan": expectations})
    lifecycle.do(iid, "Task_tandatangani_skp", {"setuju_pegawai_skp": True})
    lifecycle.next_timer(iid)  # stage 2 has begun: the first realisation opens near the end of Triwulan I
    realisasi = lifecycle.task(iid, "Task_catat_realisasi")
    assert realisasi.process_id == "pemantauan_kinerja"
    variables = lifecycle.variables(iid)
    assert variables["skp_status"] == "ditetapkan"
    assert [(r["uraian"], [k["target"] for k in r["iki"]]) for r in variables["skp"]["rhk"]] == [
        ("Layanan KTP-el", ["100"])]
    found = the_skp(lifecycle, iid)
    assert found.status == "disetujui" and found.agreed_at is not None
    stored = lifecycle.session.execute(select(BehaviourExpectation.value_code, BehaviourExpectation.expectation)
                                       .where(BehaviourExpectation.skp_id == found.id)).all()
    assert dict(stored) == expectations
    assert [e.event_type for e in audit.events_of(lifecycle.session, iid)
            if e.event_type.startswith("skp_")] == ["skp_opened", "skp_drafted", "skp_submitted",
                                                    "skp_expectations_set", "skp_agreed"]
    assert audit.verify(lifecycle.session) == []


def test_skp_returned_twice_then_agreed(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan("Layanan KTP-el versi 1")})
    lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "kembalikan", "catatan_skp": "Target IKI 2 terlalu rendah"})
    assert lifecycle.variables(iid)["catatan_skp"] == "Target IKI 2 terlalu rendah"
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan("Layanan KTP-el versi 2")})
    lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "kembalikan", "catatan_skp": "Lengkapi lampiran"})
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan("Layanan KTP-el versi 3")})
    lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "setuju", "catatan_skp": ""})
    lifecycle.do(iid, "Task_tandatangani_skp", {"setuju_pegawai_skp": True})
    lifecycle.next_timer(iid)
    lifecycle.task(iid, "Task_catat_realisasi")
    variables = lifecycle.variables(iid)
    assert [r["uraian"] for r in variables["skp"]["rhk"]] == ["Layanan KTP-el versi 3"]
    assert variables["skp_status"] == "ditetapkan"
    found = the_skp(lifecycle, iid)
    assert found.status == "disetujui" and [r.text for r in found.rhk] == ["Layanan KTP-el versi 3"]
    created = [d["bpmn_id"] for _, d in lifecycle.events(iid, "task_created")]
    assert created.count("Task_susun_skp") == 3 and created.count("Task_tinjau_skp") == 3
    # The review loop is in the records: submitted, returned with the appraiser's note, ..., agreed.
    statuses = [(e.event_type, json.loads(e.data).get("reason")) for e in audit.events_of(lifecycle.session, iid)
                if e.event_type in ("skp_submitted", "skp_returned", "skp_agreed")]
    assert statuses == [("skp_submitted", None), ("skp_returned", "Target IKI 2 terlalu rendah"),
                        ("skp_submitted", None), ("skp_returned", "Lengkapi lampiran"),
                        ("skp_submitted", None), ("skp_agreed", None)]


def test_deadline_missed_escalates_to_pengelola_kinerja(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    assert lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC) == datetime(2027, 1, 24, 15, 59, 59,
                                                                                  tzinfo=UTC)
    # 7 days before: the reminder fires beside the open task, which stays open.
    assert lifecycle.worker(datetime(2027, 1, 25, tzinfo=UTC)) == [iid]
    assert [t.bpmn_id for t in lifecycle.open_tasks(iid)] == ["Task_susun_skp"]
    fired = [d["bpmn_id"] for _, d in lifecycle.events(iid, "timer_fired")]
    assert fired == ["Event_pengingat_susun"]
    assert lifecycle.worker(datetime(2027, 1, 31, 15, tzinfo=UTC)) == []  # 23:00 WITA, not yet
    # 1 February 00:00 WITA: the deadline cancels the draft and escalates.
    assert lifecycle.worker(datetime(2027, 1, 31, 16, tzinfo=UTC)) == [iid]
    escalation = lifecycle.task(iid, "Task_tetapkan_eskalasi")
    assert escalation.assignee is None and [c.value for c in escalation.candidates] == ["pengelola_kinerja"]
    assert escalation.lane == "Pengelola Kinerja" and escalation.form["key"] == "skp_editor"
    assert [d["bpmn_id"] for _, d in lifecycle.events(iid, "task_cancelled")] == ["Task_susun_skp"]
    lifecycle.complete(escalation, {"skp": plan("Ditetapkan pengelola")})
    lifecycle.next_timer(iid)
    lifecycle.task(iid, "Task_catat_realisasi")
    assert lifecycle.variables(iid)["skp_status"] == "ditetapkan_eskalasi"
    found = the_skp(lifecycle, iid)
    assert found.status == "disetujui" and [r.text for r in found.rhk] == ["Ditetapkan pengelola"]


def test_deadline_during_review_escalates_too(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan()})
    assert lifecycle.worker(datetime(2027, 2, 1, tzinfo=UTC)) == [iid]
    lifecycle.task(iid, "Task_tetapkan_eskalasi")
    fired = sorted(d["bpmn_id"] for _, d in lifecycle.events(iid, "timer_fired"))
    assert fired == ["Event_batas_tinjau", "Event_pengingat_tinjau"]


def test_a_task_reached_after_the_reminder_date_is_reminded_at_once(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    lifecycle.worker(datetime(2027, 1, 26, tzinfo=UTC))
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan()})
    lifecycle.task(iid, "Task_tinjau_skp")
    run = instances.load(lifecycle.session, iid)
    done = [t.task_spec.bpmn_id for t in run.workflow.get_tasks(state=TaskState.COMPLETED)]
    assert done.count("Event_pengingat_tinjau") == 1 and done.count("Task_catat_pengingat") == 2
    # Only the deadline is still pending.
    assert lifecycle.instance(iid).next_timer_at.replace(tzinfo=UTC) == datetime(2027, 1, 31, 15, 59, 59,
                                                                                  tzinfo=UTC)


def test_a_plan_the_form_refuses_changes_nothing(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    before = (lifecycle.instance(iid).audit_seq, lifecycle.variables(iid))
    bad = [({"skp": {"rhk": []}}, "skp/rhk", "too_few_items"),
           ({"skp": {"rhk": [{"uraian": "Tanpa target"}]}}, "skp/rhk/0", "invalid"),
           ({"skp": {"rhk": [{"uraian": " ", "target": 1}]}}, "skp/rhk/0/uraian", "required"),
           ({"skp": {"rhk": [{"uraian": "Turunan", "target": 1, "rhk_atasan_id": 424242}]}},
            "skp/rhk/0/rhk_atasan_id", "unknown_record"),
           ({"skp": {"rhk": [{"id": 424242, "uraian": "Milik SKP lain", "target": 1}]}},
            "skp/rhk/0/id", "unknown_record"),
           ({"skp": {**plan(), "perilaku": {"jujur": "Selalu"}}}, "skp/perilaku", "not_in_choices"),
           ({"skp": {"rhk": [{"uraian": "x", "target": 1, "bobot": 5}]}}, "skp/rhk/0/bobot", "unknown_field"),
           ({"rencana": plan()}, "skp", "required")]
    for data, path, code in bad:
        with pytest.raises(FormInvalid) as refused:
            lifecycle.do(iid, "Task_susun_skp", data)
        assert code in [e["code"] for e in refused.value.errors[path]], refused.value.errors
    assert (lifecycle.instance(iid).audit_seq, lifecycle.variables(iid)) == before
    assert the_skp(lifecycle, iid).rhk == [] and lifecycle.task(iid, "Task_susun_skp").state == "open"
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan()})
    assert [r.text for r in the_skp(lifecycle, iid).rhk] == ["Layanan KTP-el"]


def test_an_rhk_cascades_only_from_the_appraisers_skp(lifecycle: Lifecycle):
    session = lifecycle.session
    # Citra holds KASI-A, Ani's appraiser position; Budi is Ani's peer.
    citra = skp_records.open_skp(session, org.employee_by_nip(session, NIP_CITRA), 2027, "tester")
    skp_records.save_plan(session, citra, {"rhk": [{"uraian": "Layanan adminduk seksi tepat waktu",
                                                    "target": 100}]}, "tester")
    budi = skp_records.open_skp(session, org.employee_by_nip(session, NIP_BUDI), 2027, "tester")
    skp_records.save_plan(session, budi, plan("Rekam data"), "tester")
    session.commit()
    [upper], [peer] = citra.rhk, budi.rhk
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    cascaded = {"rhk": [{"uraian": "Rekam KTP-el", "target": 100, "rhk_atasan_id": peer.id}]}
    with pytest.raises(FormInvalid) as refused:
        lifecycle.do(iid, "Task_susun_skp", {"skp": cascaded})
    assert [e["code"] for e in refused.value.errors["skp/rhk/0/rhk_atasan_id"]] == ["not_superior"]
    cascaded["rhk"][0]["rhk_atasan_id"] = upper.id
    lifecycle.do(iid, "Task_susun_skp", {"skp": cascaded})
    [rhk] = the_skp(lifecycle, iid).rhk
    assert (rhk.text, rhk.parent_rhk_id) == ("Rekam KTP-el", upper.id)


def signatures(lifecycle: Lifecycle, found: Skp) -> list[tuple[str, str, str]]:
    lifecycle.session.expire_all()
    return [(s.role, s.signer, s.content_sha256) for s in lifecycle.session.execute(
        select(Signature).where(Signature.skp_id == found.id, Signature.document == "skp")
        .order_by(Signature.id)).scalars()]


def test_the_agreed_skp_is_signed_by_the_appraiser_then_the_employee(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    lifecycle.do(iid, "Task_susun_skp", {"skp": {**plan(), "lampiran": {"konsekuensi": "Sesuai Ps 13"}}})
    lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "setuju"})
    found = the_skp(lifecycle, iid)
    agreed = document_hash(skp_document(lifecycle.session, found))
    assert signatures(lifecycle, found) == [("pejabat_penilai", "kasi_a", agreed)]
    sign = lifecycle.task(iid, "Task_tandatangani_skp")
    assert sign.assignee == NIP_ANI and sign.lane == "Pegawai"
    assert {f["id"]: f["value"] for f in sign.form["fields"]}["hash_skp"] == agreed  # what the employee signs
    lifecycle.do(iid, "Task_tandatangani_skp", {"setuju_pegawai_skp": True})
    assert signatures(lifecycle, the_skp(lifecycle, iid)) == [("pejabat_penilai", "kasi_a", agreed),
                                                             ("pegawai", NIP_ANI, agreed)]
    lifecycle.next_timer(iid)  # planning is over: the first realisation opens near the end of Triwulan I
    lifecycle.task(iid, "Task_catat_realisasi")
    assert lifecycle.open_tasks(iid, "Task_tetapkan_skp_jpt") == []  # not a JPT
    # Realisations later do not change what was signed: the signed content is the plan.
    assert document_hash(skp_document(lifecycle.session, the_skp(lifecycle, iid))) == agreed


def test_a_jpt_skp_appraised_by_the_sekda_is_set_by_the_wali_kota(lifecycle: Lifecycle, monkeypatch):
    session = lifecycle.session
    walikota = org.position_by_code(session, "WALIKOTA")
    sekda = Position(code="SEKDA", name="Sekretaris Daerah", kind="sekda", unit=walikota.unit, reports_to=walikota)
    dewi = Employee(nip="197903112005012002", name="Dewi", kind="pns", status="aktif", gender="P",
                    updated_at=datetime(2027, 1, 1, tzinfo=UTC))
    session.add_all([sekda, dewi])
    session.flush()
    org.transfer(session, dewi, org.position_by_code(session, "KADIS"), datetime(2026, 1, 2).date())
    # As KINERJA_JPT_APPRAISER=sekda has it: the Sekda appraises the Kadis, the Wali Kota is above.
    found = skp_records.open_skp(session, dewi, 2027, "tester")
    found.appraiser_position_id, found.appraiser_superior_position_id = sekda.id, walikota.id
    session.commit()
    monkeypatch.setitem(POSITION_HOLDERS, "SEKDA", "sekda")
    monkeypatch.setitem(POSITION_HOLDERS, "WALIKOTA", "wali_kota")
    iid = lifecycle.start("siklus_kinerja", siklus_data(dewi.nip, jabatan_kode="KADIS", unit_kode="DINAS-A",
                                                        jabatan_penilai_kode="SEKDA",
                                                        jabatan_atasan_penilai_kode="WALIKOTA"), key="k")
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan("Indeks kepuasan layanan adminduk")})
    lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "setuju"})
    lifecycle.do(iid, "Task_tandatangani_skp", {"setuju_pegawai_skp": True})
    setting = lifecycle.task(iid, "Task_tetapkan_skp_jpt")
    assert (setting.assignee, setting.lane) == ("wali_kota", "Atasan Pejabat Penilai")
    lifecycle.do(iid, "Task_tetapkan_skp_jpt", {"tetapkan_skp_jpt": True})
    lifecycle.next_timer(iid)
    lifecycle.task(iid, "Task_catat_realisasi")
    roles = [(role, signer) for role, signer, _ in signatures(lifecycle, the_skp(lifecycle, iid))]
    assert roles == [("pejabat_penilai", "sekda"), ("pegawai", dewi.nip), ("atasan_pejabat_penilai", "wali_kota")]


def test_returning_without_a_note_is_refused_and_changes_nothing(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan()})
    before = (lifecycle.instance(iid).audit_seq, lifecycle.variables(iid))
    for note in (None, "", "   "):
        with pytest.raises(FormInvalid) as refused:
            lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "kembalikan", "catatan_skp": note})
        assert [(e["path"], e["code"]) for e in refused.value.to_dict()["errors"]] == [("catatan_skp", "required")]
    assert (lifecycle.instance(iid).audit_seq, lifecycle.variables(iid)) == before
    assert lifecycle.task(iid, "Task_tinjau_skp").state == "open" and the_skp(lifecycle, iid).status == "diajukan"
    lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "kembalikan", "catatan_skp": "Tambah IKI waktu"})
    assert lifecycle.task(iid, "Task_susun_skp").state == "open"


def two_rhk() -> dict:
    return {"rhk": [{"uraian": "Layanan KTP-el", "iki": [{"uraian": "KTP-el terbit", "target": 1200}]},
                    {"uraian": "Layanan KIA", "iki": [{"uraian": "KIA terbit", "target": 300},
                                                      {"uraian": "KIA tepat waktu", "target": "3 hari",
                                                       "aspek": "waktu"}]}],
            "perilaku": {"akuntabel": "Laporan harian lengkap"},
            "lampiran": {"dukungan_sumber_daya": "Dua operator perekaman"}}


def test_the_review_shows_the_skp_and_a_return_prefills_the_draft_with_stable_ids(lifecycle: Lifecycle):
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    assert "skp" not in (lifecycle.task(iid, "Task_susun_skp").form.get("values") or {})  # nothing drafted yet
    lifecycle.do(iid, "Task_susun_skp", {"skp": two_rhk()})
    shown = lifecycle.task(iid, "Task_tinjau_skp").form["values"]["skp_diajukan"]
    stored = the_skp(lifecycle, iid)
    assert [(r["id"], r["uraian"], [(k["id"], k["target"]) for k in r["iki"]]) for r in shown["rhk"]] == [
        (rhk.id, rhk.text, [(k.id, k.target) for k in rhk.iki]) for rhk in stored.rhk]
    assert shown["perilaku"] == {"akuntabel": "Laporan harian lengkap"}
    assert shown["lampiran"] == {"dukungan_sumber_daya": "Dua operator perekaman"}
    lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "kembalikan", "catatan_skp": "Target KTP-el naikkan"})

    revise = lifecycle.task(iid, "Task_susun_skp")
    values = revise.form["values"]
    assert values["catatan_skp"] == "Target KTP-el naikkan" and values["skp"] == shown  # the last draft, with ids
    draft = values["skp"]
    ktp, kia = draft["rhk"]
    ktp["iki"][0]["target"] = "1500"
    kia["iki"] = kia["iki"][:1]  # the time indicator goes
    draft["rhk"].append({"uraian": "Layanan akta kematian", "iki": [{"uraian": "Akta terbit", "target": 80}]})
    # The note is shown, not taken: a submitted copy does not overwrite the appraiser's words.
    lifecycle.complete(revise, {"skp": draft, "catatan_skp": "diubah pegawai"})
    assert lifecycle.variables(iid)["catatan_skp"] == "Target KTP-el naikkan"
    again = the_skp(lifecycle, iid)
    assert [r.id for r in again.rhk][:2] == [ktp["id"], kia["id"]] and len(again.rhk) == 3
    assert [(k.id, k.target) for k in again.rhk[0].iki] == [(ktp["iki"][0]["id"], "1500")]
    assert [k.id for k in again.rhk[1].iki] == [kia["iki"][0]["id"]]
    assert again.rhk[2].id not in (ktp["id"], kia["id"])


def superior_skp(lifecycle: Lifecycle, rhk: str, status: str) -> Skp:
    """Give Citra, Ani's appraiser, an SKP of the year with one RHK, in the given status."""
    session = lifecycle.session
    citra = skp_records.open_skp(session, org.employee_by_nip(session, NIP_CITRA), 2027, "tester")
    skp_records.save_plan(session, citra, plan(rhk), "tester")
    skp_records.set_status(session, citra, status, "tester")
    session.commit()
    return citra


def test_a_staff_rhk_intervenes_on_a_superior_rhk_or_says_why_not(lifecycle: Lifecycle):
    [upper] = superior_skp(lifecycle, "Layanan adminduk seksi tepat waktu", "diajukan").rhk
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI), key="k")
    susun = lifecycle.task(iid, "Task_susun_skp")
    assert susun.form["values"]["rhk_atasan"] == [{"id": upper.id, "uraian": "Layanan adminduk seksi tepat waktu"}]
    two = {"rhk": [{"uraian": "Rekam KTP-el", "target": 100}, {"uraian": "Piket pengaduan", "target": 12}]}
    with pytest.raises(FormInvalid) as refused:
        lifecycle.do(iid, "Task_susun_skp", {"skp": two})
    assert {path: [e["code"] for e in found] for path, found in refused.value.errors.items()} == {
        "skp/rhk/0/rhk_atasan_id": ["cascade_required"], "skp/rhk/1/rhk_atasan_id": ["cascade_required"]}
    assert the_skp(lifecycle, iid).rhk == []
    two["rhk"][0]["rhk_atasan_id"] = upper.id
    two["rhk"][1]["alasan_tanpa_intervensi"] = "Tugas tambahan dari Kepala Dinas"
    lifecycle.do(iid, "Task_susun_skp", {"skp": two})
    rows = [(r.parent_rhk_id, r.no_intervention_reason) for r in the_skp(lifecycle, iid).rhk]
    assert rows == [(upper.id, None), (None, "Tugas tambahan dari Kepala Dinas")]


def test_a_process_owner_can_switch_the_cascade_off(lifecycle: Lifecycle):
    superior_skp(lifecycle, "Layanan adminduk", "disetujui")
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI, rhk_wajib_intervensi=False), key="k")
    lifecycle.do(iid, "Task_susun_skp", {"skp": plan("Rekam KTP-el")})
    assert [r.parent_rhk_id for r in the_skp(lifecycle, iid).rhk] == [None]
