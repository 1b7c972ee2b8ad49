"""Evaluate a decision of a running instance's own deployed spec, without running the instance.

The rating page shows the predikat the appraiser's two ratings will give before the task is submitted.
It must be the answer of the very table the process will use (`predikat_kinerja.dmn` in the version the
instance runs), not a copy of the matrix in Python: a process owner may edit the table at any time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from engine.definitions.specs import spec_of
from engine.elements.decisions.evaluate import evaluate, merged_outputs
from engine.elements.decisions.model import Decision
from engine.elements.decisions.task import DecisionTask
from engine.models import Instance
from engine.sandbox import make_script_engine

#: The output of predikat_kinerja.dmn and of hasil_kerja_kepala_unit.dmn.
PREDIKAT_DECISION, HEAD_RESULTS_DECISION = "predikat_kinerja", "hasil_kerja_kepala_unit"


@dataclass
class _Workflow:
    script_engine: Any = field(default_factory=make_script_engine)


@dataclass
class _Scope:
    """What the DMN engine reads of a task: its data and its workflow's script engine."""

    data: dict[str, Any]
    workflow: _Workflow = field(default_factory=_Workflow)


def _decision(session: Session, instance: Instance, decision_id: str) -> Decision | None:
    spec, subprocesses = spec_of(session, instance.spec_version_id, instance.spec_sha256)
    for process in [spec, *subprocesses.values()]:
        for task_spec in process.task_specs.values():
            if isinstance(task_spec, DecisionTask):
                decisions, _ = task_spec.graph()
                if decision_id in decisions:
                    return decisions[decision_id]
    return None


def evaluate_decision(session: Session, instance_id: int, decision_id: str,
                      variables: dict[str, Any]) -> dict[str, Any] | None:
    """Return the outputs of the instance's decision over variables; None when it has none or no rule matches."""
    instance = session.get(Instance, instance_id)
    decision = _decision(session, instance, decision_id) if instance is not None else None
    if decision is None:
        return None
    try:
        rows, _ = evaluate(decision, _Scope(dict(variables)))
    except Exception:  # a preview never fails the page: the process reports its own errors
        return None
    return merged_outputs(decision, rows) or None


def preview_predikat(session: Session, instance_id: int, hasil_kerja: str | None, perilaku: str | None,
                     capaian_unit: str | None = None) -> str | None:
    """Return the predikat the process will propose for these ratings (a unit head's results from capaian_unit)."""
    if capaian_unit:
        head = evaluate_decision(session, instance_id, HEAD_RESULTS_DECISION, {"capaian_unit": capaian_unit})
        hasil_kerja = (head or {}).get("hasil_kerja")
    if not hasil_kerja or not perilaku:
        return None
    found = evaluate_decision(session, instance_id, PREDIKAT_DECISION,
                              {"hasil_kerja": hasil_kerja, "perilaku": perilaku})
    value = (found or {}).get("predikat")
    return str(value) if value else None


def predikat_matrix(session: Session, instance_id: int, ratings: tuple[str, ...]) -> dict[tuple[str, str], str | None]:
    """Return {(hasil_kerja, perilaku): predikat} for every pair of ratings, from the instance's own table."""
    return {(hasil, perilaku): preview_predikat(session, instance_id, hasil, perilaku)
            for hasil in ratings for perilaku in ratings}
