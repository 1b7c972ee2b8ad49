"""Decision requirement graphs: required decisions run first and hand their outputs on, as in Camunda."""

from __future__ import annotations

from typing import Any

import pytest

from engine.audit import seals
from engine.runtime.lifecycle import instances
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


def test_versions_deployed_before_decision_graphs_still_run(deploy: Any, start: Any, reload: Any,
                                                            session: Any) -> None:
    import json

    version = deploy(files=_files("dmn_version_12"))["kategori_dmn_12"]
    spec = json.loads(version.spec_json)
    tasks = spec["spec"]["task_specs"].values()
    assert sum("decisions" in task for task in tasks) == 1
    for task in tasks:
        task.pop("decisions", None)  # what the earlier serializer wrote: SpiffWorkflow's one table only
    version.spec_json, version.sha256 = json.dumps(spec), "0" * 64
    # Sealed as `audit seal` seals the versions found at the upgrade that keyed the trail.
    version.seal = seals.seal_spec(version.id, version.process_id, version.version, version.sha256,
                                   version.spec_json, version.files)
    session.commit()
    instance = start("kategori_dmn_12", {"nilai": 75})
    assert reload(instance.id).status == "completed"
    assert instances.load(session, instance.id).workflow.data["kategori"] == "cukup"


def test_results_take_their_type_ref(deploy: Any, start: Any, reload: Any, events: Any) -> None:
    files = _files("dmn_requirements")
    files["predikat_drg.dmn"] = files["predikat_drg.dmn"].replace(
        b'name="nilai_akhir" typeRef="double"', b'name="nilai_akhir" typeRef="integer"')
    deploy(files=files)
    whole = start("predikat_drg", {"nilai_kinerja": 95, "nilai_perilaku": 90}, "whole")
    evaluated = [d for e, d in events(whole.id) if e == "decision_evaluated"]
    assert evaluated[0]["outputs"] == {"nilai_akhir": 93} and isinstance(evaluated[0]["outputs"]["nilai_akhir"], int)
    failed = reload(start("predikat_drg", {"nilai_kinerja": 96, "nilai_perilaku": 90}, "fraction").id)
    assert failed.status == "error"
    assert ("Decision 'nilai_akhir': the value of 'nilai_akhir' is 93.6, which cannot be converted to its typeRef "
            "integer") in failed.error["message"]
