"""Decision requirement graphs: required decisions run first and hand their outputs on, as in Camunda."""

from __future__ import annotations

from typing import Any

import pytest

from engine.runtime import instances
from tests.conftest import FIXTURES

CAMUNDA7 = FIXTURES / "camunda7"


def _files(folder: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (CAMUNDA7 / folder).iterdir()}


@pytest.mark.parametrize("kinerja, perilaku, predikat, catatan", [
    (95, 90, "Sangat Baik", "teladan"),   # nilai akhir 93, perilaku baik
    (95, 70, "Baik", "biasa"),            # nilai akhir 85, but perilaku needs guidance
    (60, 60, "Butuh Perbaikan", "biasa"),  # nilai akhir 60
])
def test_required_decisions_are_evaluated_first(deploy: Any, start: Any, reload: Any, events: Any, session: Any,
                                                kinerja: int, perilaku: int, predikat: str, catatan: str) -> None:
    deploy(files=_files("dmn_requirements"))
    instance = start("predikat_drg", {"nilai_kinerja": kinerja, "nilai_perilaku": perilaku})
    assert reload(instance.id).status == "completed", reload(instance.id).error
    data = instances.load(session, instance.id).workflow.data
    assert (data["predikat"], data["catatan"]) == (predikat, catatan)
    # Only the mapped result reaches the process: required decisions' outputs stay inside the decision.
    assert "nilai_akhir" not in data and "kategori_perilaku" not in data
    evaluated = [d for e, d in events(instance.id) if e == "decision_evaluated"]
    assert [d["decision_id"] for d in evaluated[:3]] == ["nilai_akhir", "kategori_perilaku", "predikat_akhir"]
    assert evaluated[0]["outputs"] == {"nilai_akhir": pytest.approx(kinerja * 0.6 + perilaku * 0.4)}
    assert evaluated[2]["inputs"]["Nilai akhir"] == pytest.approx(kinerja * 0.6 + perilaku * 0.4)
    # The second task calls a literal (JUEL) decision that requires the whole graph again.
    assert [d["decision_id"] for d in evaluated[3:]] == ["nilai_akhir", "kategori_perilaku", "predikat_akhir",
                                                         "catatan_juel"]


@pytest.mark.parametrize("folder, process", [
    ("dmn_version_11", "kategori_dmn_11"),
    ("dmn_version_11_dmn11", "kategori_dmn_11_dmn11"),
    ("dmn_version_12", "kategori_dmn_12"),
])
def test_older_dmn_versions_run(deploy: Any, start: Any, reload: Any, session: Any, folder: str,
                                process: str) -> None:
    deploy(files=_files(folder))
    for nilai, kategori in ((55, "kurang"), (75, "cukup")):
        instance = start(process, {"nilai": nilai}, f"n{nilai}")
        assert reload(instance.id).status == "completed"
        assert instances.load(session, instance.id).workflow.data["kategori"] == kategori
