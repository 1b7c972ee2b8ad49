"""Where a cycle stands when no task is open: what the records say it waits for."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from workflows.oversight.dashboard import STAGES, stage_of


def records(**given: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"predikat": {}, "rated": set(), "closed": {}, "undecided": set(), "signed": {},
                            "plans": set()}
    return {**base, **given}


def cycle(status: str = "waiting", skp: str = "disetujui") -> SimpleNamespace:
    return SimpleNamespace(status=status, skp=skp, skp_id=7)


ALL_SIGNED = {7: {"pegawai", "pejabat_penilai", "atasan_pejabat_penilai"}}


@pytest.mark.parametrize(("row", "recs", "expected"), [
    (cycle(skp="draft"), records(), "perencanaan"),
    (cycle(skp="dikembalikan"), records(), "perencanaan"),
    (cycle(), records(), "pemantauan"),
    (cycle(), records(rated={7}), "kalibrasi"),
    (cycle(), records(rated={7}, predikat={7: "baik"}), "keberatan"),  # the notice's window not closed yet
    (cycle(), records(rated={7}, predikat={7: "baik"}, closed={7: True}, undecided={7}), "keberatan"),
    (cycle(), records(rated={7}, predikat={7: "baik"}, closed={7: True}), "persetujuan"),
    (cycle(), records(rated={7}, predikat={7: "baik"}, closed={7: True}, signed=ALL_SIGNED), "diumumkan"),
    (cycle(), records(rated={7}, predikat={7: "butuh_perbaikan"}, closed={7: True}, plans={7}), "tindak_lanjut"),
    (cycle(status="completed"), records(), "diumumkan"),
])
def test_a_waiting_cycle_stands_where_its_records_say(row: SimpleNamespace, recs: dict[str, Any],
                                                      expected: str) -> None:
    assert stage_of(row, [], recs) == expected


def test_an_open_task_decides_and_the_latest_stage_wins() -> None:
    assert stage_of(cycle(skp="draft"), [("perencanaan_skp", None)], records()) == "perencanaan"
    both = [("umpan_balik_rekan", None), ("penilaian_kinerja", None)]
    assert stage_of(cycle(), both, records()) == "penilaian"
    assert stage_of(cycle(), [("tindak_lanjut", None)], records()) == "tindak_lanjut"
    assert len(STAGES) == 8
