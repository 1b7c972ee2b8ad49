"""In the whole cycle: the appraiser's rating form shows the k-anonymous aggregate and the self-assessment
apart, and nothing the employee or the appraiser reaches names a rater next to an answer."""

from __future__ import annotations

import json

from tests.workflows.lifecycle import NIP_BUDI, Lifecycle, add_staff, siklus_data
from workflows.cycle.cycles import CycleSettings
from workflows.data_protection import privacy

pytest_plugins = ["tests.workflows.lifecycle_fixtures"]

VALUES = ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif")
RATERS = ["199201012019031001", "199302022019032002", "199403032019031003"]


def test_the_rating_form_shows_aggregates_and_no_rater(lifecycle: Lifecycle):
    add_staff(lifecycle.session, RATERS, "KABID-A")
    budi = lifecycle.start("siklus_kinerja", siklus_data(NIP_BUDI, pakai_umpan_balik_rekan=True),
                           key=f"{NIP_BUDI}-2027")
    lifecycle.agree_skp(budi)
    lifecycle.monitor_year(budi)
    lifecycle.do(budi, "Task_pilih_rekan", {"daftar_rekan": RATERS})
    for row, score in zip(lifecycle.open_tasks(budi, "Task_beri_umpan_balik_berakhlak"), (3, 4, 2), strict=True):
        lifecycle.complete(row, {**{v: score for v in VALUES}, "komentar": f"Rahasia {score}"})
    lifecycle.do(budi, "Task_penilaian_diri", {v: 5 for v in VALUES})

    # The threshold comes from the cycle's settings: the default written in siklus_kinerja.bpmn.
    assert lifecycle.variables(budi)["min_penilai_agregat"] == 3
    rating = lifecycle.task(budi, "Task_nilai")
    summary = {f["id"]: f["value"] for f in rating.form["fields"]}["ringkasan_umpan_balik_rekan"]
    assert summary.startswith("Rata-rata dari 3 rekan (skala 1-5): berorientasi_pelayanan 3.0")
    assert "Penilaian diri (terpisah, tidak dihitung dalam rata-rata): berorientasi_pelayanan 5" in summary
    assert all(f"Rahasia {score}" in summary for score in (2, 3, 4))  # three comments, no names

    # What the appraiser's task and the instance's variables show: no rater id next to an answer.
    variables = {k: v for k, v in lifecycle.variables(budi).items() if k != "daftar_rekan"}
    for seen in (json.dumps(rating.form), json.dumps(variables, default=str)):
        assert not any(nip in seen for nip in RATERS)
    # The employee's own trail: the comments only inside the shuffled aggregate, never beside a rater.
    trail = json.dumps(privacy.trail_for_employee(lifecycle.session, NIP_BUDI, 2027), default=str)
    assert not any(nip in trail for nip in RATERS)
    assert "task_data_confidential" not in trail


def test_an_operator_sets_the_threshold_per_cycle():
    assert CycleSettings(min_penilai_agregat=5).chosen() == {"min_penilai_agregat": 5}
    assert "min_penilai_agregat" not in CycleSettings().chosen()
