"""The calendar of monitoring periods: refusals of bad settings (the scenarios are in test_lifecycle_pemantauan)."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from workflows.appraisals.records import RecordInvalid
from workflows.cycle.cycles import CycleSettings
from workflows.cycle.periods import daftar_periode


@pytest.mark.parametrize(("args", "message"), [
    ((2027, "mingguan"), "jenis_periode must be one of bulanan, triwulanan, semesteran"),
    ((1999, "triwulanan"), "tahun must be a year"),
    ((2027, "triwulanan", "2028-01-05"), "mulai 2028-01-05 does not lie in 2027"),
    ((2027, "triwulanan", "5 Mei"), "mulai must be an ISO date"),
    ((2027, "triwulanan", None, "5 hari"), "batas_pengisian must be a number of days such as P5D"),
    ((2027, "triwulanan", None, "P5D", "P1M"), "buka_realisasi must be a number of days such as P5D"),
])
def test_bad_settings_are_refused_with_the_setting_named(args, message):
    with pytest.raises(RecordInvalid, match=message):
        daftar_periode(*args)


def test_a_late_start_in_the_last_period_leaves_only_akhir_and_opening_never_precedes_the_start():
    [only] = daftar_periode(2027, "triwulanan", "2027-12-28", 0, 7)
    assert (only["nama"], only["mulai"], only["buka"], only["batas_pengisian"]) == (
        "Triwulan IV-Akhir", "2027-12-28", "2027-12-28T00:00:00+08:00", "2027-12-31T23:59:59+08:00")


def test_a_cycle_with_a_bad_period_setting_is_refused_before_anything_starts():
    with pytest.raises(InvalidInput, match="jenis_periode must be one of"):
        CycleSettings(jenis_periode="tahunan")
    with pytest.raises(InvalidInput, match="buka_realisasi must be a number of days"):
        CycleSettings(buka_realisasi="P1W")
    assert CycleSettings(jenis_periode="bulanan", batas_pengisian_periode="P3D").chosen() == {
        "jenis_periode": "bulanan", "batas_pengisian_periode": "P3D"}
