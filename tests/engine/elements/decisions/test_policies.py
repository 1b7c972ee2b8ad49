"""Every DMN hit policy and aggregation runs as Camunda 7 runs it, with each evaluation audited."""

from __future__ import annotations

from typing import Any

import pytest

from engine.runtime.lifecycle import instances
from tests.conftest import FIXTURES

HIT_POLICIES = FIXTURES / "camunda7" / "dmn_hit_policies"


@pytest.fixture
def policies(deploy: Any) -> Any:
    return deploy(files={p.name: p.read_bytes() for p in HIT_POLICIES.iterdir()})["hit_policies"]


def _run(session: Any, start: Any, reload: Any, nilai: int) -> dict[str, Any]:
    instance = start("hit_policies", {"nilai": nilai}, f"nilai-{nilai}")
    assert reload(instance.id).status == "completed", reload(instance.id).error
    return dict(instances.load(session, instance.id).workflow.data)


def test_single_hit_policies(policies: Any, session: Any, start: Any, reload: Any) -> None:
    data = _run(session, start, reload, 95)
    assert data["bonus"] == 10  # ANY: rows 1 and 2 match with equal outputs
    assert data["tunjangan"] == "penuh"  # FIRST: the first matching row, though later ones match too
    assert data["predikat_pilihan"] == "Sangat Baik"  # PRIORITY: by the output values' order, not row order
    assert _run(session, start, reload, 80)["predikat_pilihan"] == "Baik"


def test_multiple_hit_policies_and_aggregations(policies: Any, session: Any, start: Any, reload: Any) -> None:
    data = _run(session, start, reload, 95)
    assert data["daftar_catatan"] == ["lulus", "teladan"]  # RULE ORDER, mapped with collectEntries
    assert data["tingkat"] == ["tinggi", "sedang", "rendah"]  # OUTPUT ORDER: by the output values' order
    assert (data["poin"], data["jumlah_aturan"]) == (10, 2)  # COLLECT SUM and COUNT
    assert (data["batas_bawah"], data["batas_atas"]) == (60, 90)  # COLLECT MIN and MAX
    assert data["hasil_label"] == [{"label": "memenuhi"}, {"label": "unggul"}]  # COLLECT, resultList
    low = _run(session, start, reload, 40)
    assert low["daftar_catatan"] == ["bina"] and low["tingkat"] == ["rendah"]
    assert low["jumlah_aturan"] == 1 and "poin" not in low and low["hasil_label"] == []


def test_every_policy_is_audited(policies: Any, start: Any, events: Any) -> None:
    instance = start("hit_policies", {"nilai": 95})
    evaluated = {d["decision_id"]: d for e, d in events(instance.id) if e == "decision_evaluated"}
    assert len(evaluated) == 10
    assert evaluated["poin_sum"]["hit_policy"] == "COLLECT SUM"
    assert evaluated["poin_sum"]["matched_rules"] == ["DecisionRule_poin_sum_1", "DecisionRule_poin_sum_2",
                                                      "DecisionRule_poin_sum_3"]
    assert evaluated["poin_sum"]["outputs"] == {"poin": 10}
    assert evaluated["predikat_priority"]["matched_rules"] == ["DecisionRule_predikat_priority_2"]
    assert evaluated["bonus_any"]["inputs"] == {"Nilai": 95}


def _variant(deploy: Any, old: str, new: str) -> None:
    files = {p.name: p.read_bytes() for p in HIT_POLICIES.iterdir()}
    files["hit_policies.dmn"] = files["hit_policies.dmn"].replace(old.encode(), new.encode(), 1)
    deploy(files=files)


def test_any_with_different_outputs_is_an_incident(deploy: Any, start: Any, reload: Any) -> None:
    entry = '<outputEntry id="LiteralExpression_bonus_any_2_0">\n          <text>{}</text>'
    _variant(deploy, entry.format(10), entry.format(5))
    failed = reload(start("hit_policies", {"nilai": 95}).id)
    assert failed.status == "error"
    assert "hit policy ANY but rows 1, 2 match with different outputs" in failed.error["message"]


def test_single_entry_with_several_rows_is_an_incident(deploy: Any, start: Any, reload: Any) -> None:
    _variant(deploy, 'hitPolicy="PRIORITY"', 'hitPolicy="RULE ORDER"')
    failed = reload(start("hit_policies", {"nilai": 95}).id)
    assert failed.status == "error"
    assert ("decision 'predikat_priority' with mapDecisionResult singleEntry has 3 rows; singleEntry needs "
            "at most one") in failed.error["message"]
