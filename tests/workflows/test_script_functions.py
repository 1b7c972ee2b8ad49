"""BPMN scripts write appraisal records through the registered functions, in the engine step's transaction."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import audit
from engine.definitions import specs
from engine.models import AuditEvent, HumanTask, Instance
from engine.runtime.human_tasks import tasks
from engine.runtime.lifecycle import instances
from engine.sandbox import functions
from tests.conftest import ROOT
from workflows import script_functions
from workflows.models import Appeal, DevelopmentPlan, PredikatRecord, Publication, Rating, Signature, Skp, UnitRating

FILES = ("workflows/records/rekam_penilaian.bpmn", "workflows/records/rekam_keberatan.bpmn",
         "workflows/records/rekam_skp.bpmn")


@pytest.fixture
def registered(monkeypatch):
    """Register the set on a copy of the registry, so other tests see the engine's own."""
    monkeypatch.setattr(functions, "_registry", dict(functions._registry))
    script_functions.register_all()
    script_functions.register_all()  # idempotent


@pytest.fixture
def run(registered, deploy, session, chart):
    deploy(*FILES)

    def _start(process_id: str, data: dict[str, Any], key: str = "k1", commit: bool = True) -> Instance:
        row = instances.start(session, specs.require_latest(session, process_id), data, key, "cycle-open")
        if commit:
            session.commit()
        session.expire_all()
        return session.get(Instance, row.id)
    return _start


def penilaian_data(chart, **overrides: Any) -> dict[str, Any]:
    data = {"nip": chart.people["staf"].nip, "tahun": 2027, "unit_kode": "SEKSI",
            "hasil_kerja": "di_atas", "perilaku": "di_atas", "predikat_usulan": "sangat_baik"}
    return {**data, **overrides}


def complete(session, instance_id: int, actor: str, data: dict[str, Any] | None = None) -> None:
    task = session.execute(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.state == "open")).scalar_one()
    tasks.complete(session, task.id, actor, data or {})
    session.commit()


def event_types(session, instance_id: int) -> list[str]:
    return [e.event_type for e in audit.events_of(session, instance_id)]


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_all_functions_are_registered(registered):
    names = set(functions.registered_functions())
    assert set(script_functions.FUNCTIONS) <= names
    assert {"catat_penilaian", "tetapkan_predikat", "tandatangani", "publikasikan_unit"} <= names


def test_create_app_registers_the_set(monkeypatch, database_url):
    monkeypatch.setattr(functions, "_registry", dict(functions._registry))
    from webui import create_app
    create_app({"DATABASE_URL": database_url})
    assert functions.registered_functions()["tandatangani"] is script_functions.tandatangani


def test_no_function_name_is_a_variable_of_the_lifecycle(registered):
    # A registered name hides task data of the same name: SpiffWorkflow refuses such a script.
    written = set()
    for path in (ROOT / "bpmn").glob("*.bpmn"):
        source = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'formField id="(\w+)"', source))
        written |= set(re.findall(r'(?:resultVariable|elementVariable)="(\w+)"', source))
        written |= set(re.findall(r"^\s*(\w+)\s*=[^=]", source, flags=re.M))
    assert "predikat" in written and "ajukan_keberatan" in written
    assert not written & set(script_functions.FUNCTIONS)


def test_script_writes_rating_and_signature_in_the_step(run, session, chart):
    instance = run("rekam_penilaian", penilaian_data(chart))
    assert instance.status == "running", instance.error
    skp = session.execute(select(Skp)).scalar_one()
    assert (skp.instance_id, skp.employee_id, skp.year) == (instance.id, chart.people["staf"].id, 2027)
    rating = session.execute(select(Rating)).scalar_one()
    assert (rating.hasil_kerja, rating.perilaku, rating.predikat_usulan) == ("di_atas", "di_atas", "sangat_baik")
    data = instances.variables(instances.load(session, instance.id))
    assert data["penilaian"] == {"rating_id": rating.id, "predikat": "sangat_baik"}
    assert data["distribusi"]["sangat_baik"] == 1 and sum(data["distribusi"].values()) == 1
    # Domain events join the instance's chain after the step's own events, and the chain stays intact.
    assert {"skp_opened", "rating_recorded", "predikat_changed"} <= set(event_types(session, instance.id))

    complete(session, instance.id, "penilai")
    session.expire_all()
    signature = session.execute(select(Signature)).scalar_one()
    final = instances.variables(instances.load(session, instance.id))
    assert final["hash_dokumen"] == signature.content_sha256 and len(signature.content_sha256) == 64
    assert (signature.signer, signature.role) == ("penilai", "pejabat_penilai")
    assert session.get(Instance, instance.id).status == "completed"
    assert "document_signed" in event_types(session, instance.id)
    assert audit.verify(session) == []


def test_rolled_back_step_leaves_no_rows(run, session, chart):
    instance_id = run("rekam_penilaian", penilaian_data(chart), commit=False).id
    assert count(session, Rating) == 1
    session.rollback()
    assert count(session, Skp) == count(session, Rating) == count(session, PredikatRecord) == 0
    assert session.get(Instance, instance_id) is None
    assert session.execute(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.event_type == "rating_recorded")).scalar_one() == 0
    assert audit.verify(session) == []


def test_bad_argument_makes_an_incident_with_a_clear_message(run, session, chart):
    instance = run("rekam_penilaian", penilaian_data(chart, hasil_kerja="luar_biasa"))
    assert instance.status == "error"
    assert "hasil_kerja must be one of di_atas, sesuai, di_bawah, not 'luar_biasa'" in instance.error["message"]
    assert instance.error["bpmn_id"] == "Script_nilai"
    # The refusal came before any write of its own; the SKP opened by the first call stays for the retry.
    assert count(session, Rating) == 0


def test_unknown_employee_is_an_incident(run, session, chart):
    instance = run("rekam_penilaian", penilaian_data(chart, nip="199901012020011999"))
    assert instance.status == "error"
    assert "no employee with NIP '199901012020011999'" in instance.error["message"]


def test_appeal_round_trip_from_bpmn(run, session, chart):
    data = penilaian_data(chart, alasan_keberatan="Bukti dukung triwulan IV tidak dipertimbangkan.")
    instance = run("rekam_keberatan", data)
    assert instance.status == "running", instance.error
    assert session.execute(select(UnitRating.capaian)).scalar_one() == "baik"
    complete(session, instance.id, "atasan", {"keputusan_keberatan": "ubah", "predikat_baru": "butuh_perbaikan",
                                              "alasan_keputusan": "Bukti dukung sah."})
    session.expire_all()
    instance = session.get(Instance, instance.id)
    assert instance.status == "completed", instance.error
    history = [(r.predikat, r.source) for r in session.execute(
        select(PredikatRecord).order_by(PredikatRecord.id)).scalars()]
    assert history == [("butuh_perbaikan", "rating"), ("sangat_kurang", "kalibrasi"),
                       ("butuh_perbaikan", "keberatan")]
    appeal = session.execute(select(Appeal)).scalar_one()
    assert (appeal.decision, appeal.new_predikat, appeal.curve_flag) == ("ubah", "butuh_perbaikan", True)
    plan = session.execute(select(DevelopmentPlan)).scalar_one()
    assert plan.reason_predikat == "butuh_perbaikan" and plan.improvement_until.isoformat() == "2028-06-30"
    final = instances.variables(instances.load(session, instance.id))
    assert final["putusan"] == {"keputusan": "ubah", "predikat": "butuh_perbaikan", "cek_kurva_ulang": True}
    # One person rated: far below the minimum group, so no distribution is published.
    assert final["agregat_unit"]["distribusi"] is None and final["agregat_unit"]["ditahan"] == "kelompok_kecil"
    assert final["agregat_unit"]["jumlah_dinilai"] == 1
    assert final["agregat_unit"]["individu"] == []  # no consent given
    assert count(session, Publication) == 1
    types = event_types(session, instance.id)
    for expected in ("unit_rating_set", "appeal_filed", "appeal_decided", "development_plan_created",
                     "result_published"):
        assert expected in types
    changed = [json.loads(e.data) for e in audit.events_of(session, instance.id)
               if e.event_type == "predikat_changed"]
    assert [c["source"] for c in changed] == ["rating", "kalibrasi", "keberatan"]
    assert audit.verify(session) == []


def test_decision_without_new_predikat_is_an_incident(run, session, chart):
    instance = run("rekam_keberatan", penilaian_data(chart, alasan_keberatan="Tidak sesuai."))
    complete(session, instance.id, "atasan", {"keputusan_keberatan": "ubah", "predikat_baru": None,
                                              "alasan_keputusan": "x"})
    session.expire_all()
    instance = session.get(Instance, instance.id)
    assert instance.status == "error"
    assert "predikat_baru must be one of" in instance.error["message"]
    assert session.execute(select(Appeal.decision)).scalar_one() is None


def test_plan_from_the_skp_editor_is_stored_and_agreed(run, session, chart):
    plan = {"rhk": [{"uraian": "Layanan KTP-el", "target": 100}],
            "perilaku": {"kolaboratif": "Berbagi data dengan kelurahan."}}
    instance = run("rekam_skp", {"nip": chart.people["kasi"].nip, "tahun": 2027, "skp": plan})
    assert instance.status == "completed", instance.error
    found = session.execute(select(Skp)).scalar_one()
    assert (found.status, found.instance_id) == ("disetujui", instance.id)
    assert [(r.text, [i.target for i in r.iki]) for r in found.rhk] == [("Layanan KTP-el", ["100"])]
    final = instances.variables(instances.load(session, instance.id))
    assert final["hasil_simpan"] == {"skp_id": found.id, "jumlah_rhk": 1, "status": "diajukan"}
    assert final["skp_status"] == "disetujui"
    assert {"skp_opened", "skp_drafted", "skp_agreed"} <= set(event_types(session, instance.id))


def test_a_script_failing_half_way_leaves_no_record_and_retry_writes_them_once(run, session, chart):
    instance = run("rekam_skp", {"nip": chart.people["kasi"].nip, "tahun": 2027, "skp": {"rhk": []}})
    assert instance.status == "error"
    assert "the SKP plan needs a non-empty list 'rhk'" in instance.error["message"]
    # siapkan_skp succeeded before simpan_skp refused: its SKP and audit event went with the failed script.
    assert session.execute(select(Skp)).scalars().all() == []
    assert "skp_opened" not in event_types(session, instance.id)
    assert event_types(session, instance.id)[-1] == "instance_failed"
    instances.retry(session, instance.id, "operator", {"skp": {"rhk": [{"uraian": "Layanan", "target": 1}]}})
    session.commit()
    [found] = session.execute(select(Skp)).scalars()
    assert found.status == "disetujui" and event_types(session, instance.id).count("skp_opened") == 1
    assert audit.verify(session) == []
