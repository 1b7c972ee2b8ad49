"""The realisation form of a monitoring period: every IKI holds a value or a written explanation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import FormInvalid
from tests.workflows.lifecycle import NIP_ANI, Lifecycle, siklus_data
from workflows.models import Realisation
from workflows.planning import skp as skp_records

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

PLAN = {"rhk": [{"uraian": "Layanan KTP-el", "iki": [{"uraian": "KTP-el terbit", "target": 1200},
                                                      {"uraian": "Aduan dijawab", "target": 40}]}]}


def agreed(lifecycle: Lifecycle, **settings) -> tuple[int, list[int]]:
    iid = lifecycle.start("siklus_kinerja", siklus_data(NIP_ANI, **settings), key="k")
    lifecycle.do(iid, "Task_susun_skp", {"skp": PLAN})
    lifecycle.do(iid, "Task_tinjau_skp", {"keputusan_skp": "setuju"})
    lifecycle.do(iid, "Task_tandatangani_skp", {"setuju_pegawai_skp": True})
    lifecycle.next_timer(iid)  # the first realisation opens near the end of Triwulan I
    found = skp_records.skp_of_instance(lifecycle.session, iid)
    assert found is not None
    return iid, [iki.id for rhk in found.rhk for iki in rhk.iki]


def stored(lifecycle: Lifecycle) -> list[tuple[int, str | None, str | None]]:
    lifecycle.session.expire_all()
    return [(r.iki_id, r.value, r.note) for r in lifecycle.session.execute(
        select(Realisation).order_by(Realisation.id)).scalars()]


def test_an_iki_without_a_value_needs_a_written_explanation(lifecycle: Lifecycle):
    iid, (ktp, aduan) = agreed(lifecycle)
    before = lifecycle.instance(iid).audit_seq
    blank = ({"iki_id": aduan}, {"iki_id": aduan, "nilai": None, "catatan": "  "}, {"iki_id": aduan, "nilai": ""})
    for missing in blank:
        with pytest.raises(FormInvalid) as refused:
            lifecycle.do(iid, "Task_catat_realisasi", {"realisasi": [{"iki_id": ktp, "nilai": 310}, missing]})
        assert [(e["path"], e["code"]) for e in refused.value.items] == [("realisasi/1/catatan", "required")]
    assert lifecycle.instance(iid).audit_seq == before and stored(lifecycle) == []
    link = "https://arsip.samarindakota.go.id/bukti/ktp-tw1.pdf"
    lifecycle.do(iid, "Task_catat_realisasi", {"realisasi": [
        {"iki_id": ktp, "nilai": 310, "bukti_dukung": link},
        {"iki_id": aduan, "catatan": "Kanal aduan baru dibuka April"}]})
    assert stored(lifecycle) == [(ktp, "310", None), (aduan, None, "Kanal aduan baru dibuka April")]
    evidence = lifecycle.session.execute(select(Realisation.evidence_url).where(Realisation.iki_id == ktp)).scalar()
    assert evidence == link


def test_every_iki_of_the_skp_is_accounted_for_each_period(lifecycle: Lifecycle):
    iid, (ktp, aduan) = agreed(lifecycle)
    for answer in ([{"iki_id": ktp, "nilai": 310}], []):
        with pytest.raises(FormInvalid) as refused:
            lifecycle.do(iid, "Task_catat_realisasi", {"realisasi": answer})
        assert [(e["path"], e["code"]) for e in refused.value.items] == [("realisasi", "incomplete")]
        assert str(aduan) in refused.value.items[0]["message"]
    assert stored(lifecycle) == [] and lifecycle.task(iid, "Task_catat_realisasi").state == "open"


def test_a_process_owner_can_accept_partial_realisations(lifecycle: Lifecycle):
    iid, (ktp, _) = agreed(lifecycle, realisasi_wajib_lengkap=False)
    lifecycle.do(iid, "Task_catat_realisasi", {"realisasi": [{"iki_id": ktp, "nilai": 310}]})
    assert stored(lifecycle) == [(ktp, "310", None)]
