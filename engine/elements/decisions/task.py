"""Business rule tasks that evaluate a decision with its required decisions, map the result and record it."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.camunda.specs.business_rule_task import BusinessRuleTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.deep_merge import DeepMerge

from .evaluate import evaluate, is_multi_row, merged_outputs
from .model import Decision, DecisionError, required_order

MAPPINGS = ("singleEntry", "singleResult", "collectEntries", "resultList")


class DecisionTask(BusinessRuleTask):
    """A DMN business rule task; evaluations are appended to the script engine's journal."""

    def __init__(self, wf_spec: Any, name: str, dmnEngine: Any, decisions: dict[str, Decision] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(wf_spec, name, dmnEngine, **kwargs)
        #: The called decision and every decision it requires, by id (empty in specs saved before them).
        self.decisions: dict[str, Decision] = decisions or {}

    def graph(self) -> tuple[dict[str, Decision], str]:
        """Return the decisions by id and the id of the one the task calls."""
        table = self.dmnEngine.decision_table
        top = self.extensions.get("decisionRef") or table.id
        if top not in self.decisions:
            return {top: Decision(top, table=table)}, top
        return self.decisions, top

    def _run_hook(self, my_task: Any) -> bool:
        decisions, top = self.graph()
        results: dict[str, list[dict[str, Any]]] = {}
        records = []
        try:
            for decision_id in required_order(decisions, top):
                decision = decisions[decision_id]
                rows, record = _with_variables(my_task, _required_variables(decision, decisions, results),
                                               decision)
                results[decision_id] = rows
                records.append({**record, "decision_id": decision_id})
            mapped = self._mapped(decisions[top], results[top])
            my_task.data = DeepMerge.merge(my_task.data, mapped)
        except SpiffWorkflowException as exc:
            exc.add_note(f"Business Rule Task '{self.bpmn_name}'.")
            raise
        except Exception as exc:  # DecisionError, or the DMN engine's plain exceptions for bad entries
            error = WorkflowTaskException(str(exc), task=my_task, exception=exc)
            error.add_note(f"Business Rule Task '{self.bpmn_name}'.")
            raise error from exc
        journal = getattr(my_task.workflow.script_engine, "journal", None)
        if journal is not None:
            for record in records:
                journal.append({"type": "decision_evaluated", "task": my_task, **record})
        return True

    def _mapped(self, decision: Decision, rows: list[dict[str, Any]]) -> dict[str, Any]:
        """Apply camunda:resultVariable with its mapDecisionResult, else merge the outputs."""
        variable = self.extensions.get("resultVariable")
        if not variable:
            return merged_outputs(decision, rows)
        mapping = self.extensions.get("mapDecisionResult", "resultList")
        where = f"decision '{decision.id}' with mapDecisionResult {mapping}"
        if mapping in ("singleEntry", "singleResult") and len(rows) > 1:
            raise DecisionError(f"The result of {where} has {len(rows)} rows; {mapping} needs at most one "
                                "(use resultList or collectEntries, or a hit policy giving one row)")
        if mapping in ("singleEntry", "collectEntries") and any(len(row) > 1 for row in rows):
            names = ", ".join(rows[0])
            raise DecisionError(f"The result of {where} has several outputs ({names}); {mapping} needs "
                                "exactly one (use singleResult or resultList)")
        value: Any
        if mapping == "singleEntry":
            value = next(iter(rows[0].values()), None) if rows else None
        elif mapping == "singleResult":
            value = rows[0] if rows else None
        elif mapping == "collectEntries":
            value = [next(iter(row.values()), None) for row in rows]
        else:
            value = rows
        return {variable: value}


def _required_variables(decision: Decision, decisions: dict[str, Decision],
                        results: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Return the outputs of the decisions a decision requires, as variables (Camunda's names)."""
    variables: dict[str, Any] = {}
    for required in decision.requires:
        if required not in results:
            continue
        rows = results[required]
        if len(rows) == 1 and not is_multi_row(decisions[required]):
            variables.update(rows[0])
        elif rows:
            variables.update(merged_outputs(decisions[required], rows))
        else:
            variables.update(dict.fromkeys(_output_names(decisions[required])))  # no match: null outputs
    return variables


def _output_names(decision: Decision) -> list[str]:
    if decision.table is None:
        return [decision.variable or decision.id]
    return [output.name or output.label for output in decision.table.outputs]


def _with_variables(my_task: Any, variables: dict[str, Any], decision: Decision) -> Any:
    """Evaluate a decision with the required decisions' outputs visible beside the task data."""
    if not variables:
        return evaluate(decision, my_task)
    saved = my_task.data
    my_task.data = {**saved, **variables}
    try:
        return evaluate(decision, my_task)
    finally:
        my_task.data = saved
