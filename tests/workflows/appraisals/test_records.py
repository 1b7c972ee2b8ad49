"""The appraisal records written directly by the domain functions, against a real organisation chart."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from engine import audit
from engine.models import AuditEvent
from workflows.appraisals.records import RecordInvalid
from workflows.models import BehaviourExpectation, Iki, Rhk, SkpAnnex
from workflows.objections import appeals
from workflows.planning import skp
from workflows.publishing import documents
from workflows.rating import follow_up, ratings

PLAN = {
    "pendekatan": "kuantitatif",
    "rhk": [{"jenis": "utama", "uraian": "Layanan KTP-el tepat waktu",
             "iki": [{"uraian": "Persentase KTP-el terbit <= 3 hari", "target": "95", "satuan": "%"},
                     {"uraian": "Keluhan tertangani", "target": "100", "satuan": "%", "aspek": "kualitas"}]},
            {"jenis": "tambahan", "uraian": "Piket layanan Sabtu", "target": 12}],
    "perilaku": {"berorientasi_pelayanan": "Ramah dan cepat di loket.", "akuntabel": "Data pemohon aman."},
    "lampiran": {"dukungan_sumber_daya": "Printer blanko", "konsekuensi": "Teguran bila target meleset"},
}


def events(session, event_type: str) -> list[dict]:
    rows = session.execute(select(AuditEvent).where(AuditEvent.event_type == event_type)
                           .order_by(AuditEvent.id)).scalars()
    return [json.loads(e.data) for e in rows]


def open_for(session, chart, name: str, tahun: int = 2027):
    return skp.open_skp(session, chart.people[name], tahun, "cycle-open")


def rated(session, chart, name: str, predikat: str, hasil: str = "sesuai", perilaku: str = "sesuai"):
    found = open_for(session, chart, name)
    ratings.record_rating(session, found, hasil, perilaku, predikat, "kasi")
    return found


def test_skp_snapshots_the_header_and_stores_the_plan(session, chart):
    found = open_for(session, chart, "staf")
    assert (found.position_id, found.unit_id) == (chart.positions["STAF"].id, chart.units["SEKSI"].id)
    assert found.appraiser_position_id == chart.positions["KASI"].id
    assert found.appraiser_superior_position_id == chart.positions["KABID"].id
    assert (found.period_start, found.period_end, found.status) == (date(2027, 1, 1), date(2027, 12, 31), "draft")
    assert open_for(session, chart, "staf").id == found.id  # opening again finds it
    # A pelaksana under a fungsional coordinator is appraised by the nearest structural superior.
    assert open_for(session, chart, "staf2").appraiser_position_id == chart.positions["KASI"].id

    skp.save_plan(session, found, PLAN, "staf")
    skp.save_plan(session, found, PLAN, "staf")  # saving again replaces, never duplicates
    rhk = list(session.execute(select(Rhk).where(Rhk.skp_id == found.id).order_by(Rhk.id)).scalars())
    assert [(r.kind, r.text) for r in rhk] == [("utama", "Layanan KTP-el tepat waktu"),
                                               ("tambahan", "Piket layanan Sabtu")]
    iki = session.execute(select(Iki.rhk_id, Iki.target, Iki.aspect).order_by(Iki.id)).all()
    assert [(t, a) for _, t, a in iki] == [("95", "kuantitas"), ("100", "kualitas"), ("12", "kuantitas")]
    assert len(session.execute(select(BehaviourExpectation)).all()) == 2
    assert len(session.execute(select(SkpAnnex)).all()) == 2

    skp.set_status(session, found, "disetujui", "kasi")
    assert found.status == "disetujui" and found.agreed_at is not None
    with pytest.raises(RecordInvalid, match="can no longer change"):
        skp.save_plan(session, found, PLAN, "staf")
    assert events(session, "skp_agreed") == [{"skp_id": found.id, "reason": None}]
    assert audit.verify(session) == []


def test_rhk_cascades_from_the_superiors_rhk(session, chart):
    superior = skp.save_plan(session, open_for(session, chart, "kasi"), PLAN, "kasi")
    parent = superior.rhk[0]
    mine = skp.save_plan(session, open_for(session, chart, "staf"), {"rhk": [
        {"uraian": "Verifikasi berkas KTP-el", "rhk_atasan_id": parent.id, "target": "300"}]}, "staf")
    assert mine.rhk[0].parent_rhk_id == parent.id


def test_plan_and_values_are_validated(session, chart):
    found = open_for(session, chart, "staf")
    with pytest.raises(RecordInvalid, match="rhk_atasan_id 99999 is not an RHK"):
        skp.save_plan(session, found, {"rhk": [{"uraian": "x", "rhk_atasan_id": 99999}]}, "staf")
    with pytest.raises(RecordInvalid, match="rhk 1 jenis must be one of utama, tambahan") as caught:
        skp.save_plan(session, found, {"rhk": [{"jenis": "pokok", "uraian": "x"}]}, "staf")
    assert caught.value.code == "record_invalid"
    with pytest.raises(RecordInvalid, match="non-empty list 'rhk'"):
        skp.save_plan(session, found, {"rhk": []}, "staf")
    with pytest.raises(RecordInvalid, match="perilaku must be one of"):
        skp.save_plan(session, found, {"rhk": [{"uraian": "x"}], "perilaku": {"jujur": "x"}}, "staf")
    with pytest.raises(RecordInvalid, match="tahun must be a year"):
        skp.open_skp(session, chart.people["staf"], "2027", "x")
    with pytest.raises(RecordInvalid, match="holds no position"):
        skp.open_skp(session, chart.people["cadangan"], 2027, "x")


def test_predikat_history_through_rating_calibration_and_appeal(session, chart):
    found = rated(session, chart, "staf", "baik")
    ratings.change_predikat(session, found, "butuh_perbaikan", "kalibrasi", "kabid", "Kurva unit Baik")
    with pytest.raises(RecordInvalid, match="predikat_baru is only given"):
        appeals.file_appeal(session, found, "Bukti dukung diabaikan", "staf")
        appeals.decide_appeal(session, found, "tetap", "kabid", "baik")
    with pytest.raises(RecordInvalid, match="already has an undecided objection"):
        appeals.file_appeal(session, found, "lagi", "staf")
    appeal = appeals.add_explanation(session, appeals.open_appeal(session, found), "penilai", "Sesuai bukti.", "kasi")
    appeals.decide_appeal(session, found, "ubah", "kabid", "baik", "Bukti dukung sah")
    assert (appeal.decision, appeal.new_predikat, appeal.curve_flag) == ("ubah", "baik", True)
    history = [(r.predikat, r.source) for r in ratings.predikat_history(session, found)]
    assert history == [("baik", "rating"), ("butuh_perbaikan", "kalibrasi"), ("baik", "keberatan")]
    assert ratings.current_predikat(session, found).predikat == "baik"
    assert [e["previous"] for e in events(session, "predikat_changed")] == [None, "baik", "butuh_perbaikan"]
    assert [e["decision"] for e in events(session, "appeal_decided")] == ["ubah"]
    with pytest.raises(RecordInvalid, match="no undecided objection"):
        appeals.decide_appeal(session, found, "tetap", "kabid")


def test_appeal_needs_a_predikat_and_reasons(session, chart):
    found = open_for(session, chart, "staf")
    with pytest.raises(RecordInvalid, match="no predikat to object to"):
        appeals.file_appeal(session, found, "x", "staf")
    ratings.record_rating(session, found, "sesuai", "sesuai", "baik", "kasi")
    with pytest.raises(RecordInvalid, match="alasan is required"):
        appeals.file_appeal(session, found, "  ", "staf")


def test_unit_rating_and_distribution(session, chart):
    seksi = chart.units["SEKSI"]
    ratings.set_unit_rating(session, seksi, 2027, "istimewa", "kabid")
    ratings.set_unit_rating(session, seksi, 2027, "baik", "kabid")  # changed, not duplicated
    assert ratings.unit_rating(session, seksi.id, 2027).capaian == "baik"
    assert [e["previous"] for e in events(session, "unit_rating_set")] == [None, "istimewa"]
    rated(session, chart, "staf", "baik")
    rated(session, chart, "staf2", "baik")
    third = rated(session, chart, "koordinator", "baik")
    ratings.change_predikat(session, third, "butuh_perbaikan", "kalibrasi", "kabid")
    rated(session, chart, "fungsional", "sangat_baik")  # unit BIDANG: not counted
    assert ratings.distribution(session, seksi, 2027) == {
        "sangat_baik": 0, "baik": 2, "butuh_perbaikan": 1, "kurang_misconduct": 0, "sangat_kurang": 0}
    skp.set_status(session, third, "ditutup", "pengelola", "Mutasi")
    assert ratings.distribution(session, seksi, 2027)["butuh_perbaikan"] == 0
    with pytest.raises(RecordInvalid, match="capaian must be one of"):
        ratings.set_unit_rating(session, seksi, 2027, "cukup", "kabid")


def test_publication_lists_only_consenting_employees(session, chart):
    seksi, staf = chart.units["SEKSI"], chart.people["staf"]
    rated(session, chart, "staf", "baik")
    rated(session, chart, "staf2", "butuh_perbaikan", hasil="di_bawah")
    rated(session, chart, "koordinator", "baik")
    documents.give_consent(session, staf, 2027, staf.nip)
    # A minimum group of 1 here: the suppression of small groups is tested in test_publication.py.
    first = documents.publish_unit(session, seksi, 2027, "kabid", min_size=1).aggregate
    assert first["individu"] == [{"nip": staf.nip, "nama": "staf", "predikat": "baik"}]
    assert (first["jumlah_pegawai"], first["jumlah_dinilai"], first["jumlah_belum_dinilai"]) == (3, 3, 0)
    assert first["distribusi"]["baik"] == 2 and first["distribusi"]["butuh_perbaikan"] == 1

    documents.revoke_consent(session, staf, 2027, staf.nip)
    second = documents.publish_unit(session, seksi, 2027, "kabid", min_size=1).aggregate
    assert second["individu"] == [] and second["distribusi"] == first["distribusi"]
    assert [e["individuals"] for e in events(session, "result_published")] == [1, 0]
    assert len(events(session, "consent_given")) == len(events(session, "consent_revoked")) == 1
    with pytest.raises(RecordInvalid, match="no valid consent"):
        documents.revoke_consent(session, staf, 2027, staf.nip)


def test_publication_with_the_final_mapping_overrides_the_records(session, chart):
    staf = chart.people["staf"]
    rated(session, chart, "staf", "baik")
    rated(session, chart, "staf2", "butuh_perbaikan", hasil="di_bawah")
    open_for(session, chart, "koordinator")  # not rated yet, outside the mapping
    aggregate = documents.publish_unit(session, chart.units["SEKSI"], 2027, "kabid", min_size=1, final={
        staf.nip: "sangat_baik", "199999999999999999": "baik"}).aggregate  # an unknown NIP is ignored
    assert aggregate["individu"] == []
    assert (aggregate["jumlah_pegawai"], aggregate["jumlah_dinilai"], aggregate["jumlah_belum_dinilai"]) == (3, 2, 1)
    assert aggregate["distribusi"] == {"sangat_baik": 1, "baik": 0, "butuh_perbaikan": 1,
                                       "kurang_misconduct": 0, "sangat_kurang": 0}
    with pytest.raises(RecordInvalid):
        documents.publish_unit(session, chart.units["SEKSI"], 2027, "kabid", final={staf.nip: "luar_biasa"})


def test_document_hash_follows_the_content(session, chart):
    found = open_for(session, chart, "staf")
    skp.save_plan(session, found, PLAN, "staf")
    ratings.set_unit_rating(session, chart.units["SEKSI"], 2027, "baik", "kabid")
    ratings.record_rating(session, found, "sesuai", "di_atas", "baik", "kasi")
    document = documents.evaluation_document(session, found)
    assert document["pegawai"]["nip"] == chart.people["staf"].nip
    assert document["pejabat_penilai"]["kode"] == "KASI" and document["capaian_kinerja_organisasi"] == "baik"
    assert document["predikat"] == "baik" and len(document["rhk"]) == 2
    first = documents.sign(session, found, "dokumen_evaluasi", "pejabat_penilai", "kasi")
    again = documents.sign(session, found, "dokumen_evaluasi", "pegawai", "staf")
    assert first.content_sha256 == again.content_sha256 == documents.document_hash(document)

    iki = session.execute(select(Iki).order_by(Iki.id)).scalars().first()
    skp.record_realisation(session, found, iki.id, "4", "97", "staf", evidence_url="https://arsip.example/ktp")
    changed = documents.sign(session, found, "dokumen_evaluasi", "atasan_pejabat_penilai", "kabid")
    assert changed.content_sha256 != first.content_sha256
    ratings.change_predikat(session, found, "sangat_baik", "keberatan", "kabid")
    assert documents.document_hash(documents.evaluation_document(session, found)) != changed.content_sha256
    assert [e["sha256"] for e in events(session, "document_signed")] == [
        first.content_sha256, first.content_sha256, changed.content_sha256]
    with pytest.raises(RecordInvalid, match="peran must be one of"):
        documents.sign(session, found, "dokumen_evaluasi", "saksi", "x")


def test_development_plan_follows_a_poor_predikat(session, chart):
    good = rated(session, chart, "staf", "baik")
    with pytest.raises(RecordInvalid, match="a development plan follows"):
        follow_up.create_development_plan(session, good, "Pelatihan", "Target", "kasi")
    poor = rated(session, chart, "staf2", "sangat_kurang", hasil="di_bawah", perilaku="di_bawah")
    plan = follow_up.create_development_plan(session, poor, "Pelatihan layanan", "Teknis 3 -> 4", "kasi",
                                           date(2028, 6, 30))
    assert (plan.reason_predikat, plan.improvement_until) == ("sangat_kurang", date(2028, 6, 30))
    follow_up.evaluate_development_plan(session, plan, "membaik", "kasi")
    assert plan.outcome == "membaik" and plan.evaluated_at is not None
    assert events(session, "development_plan_created")[0]["improvement_until"] == "2028-06-30"
    session.commit()
    assert audit.verify(session) == []
