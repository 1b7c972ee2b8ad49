"""Business rule tasks that apply Camunda's resultVariable mapping and record each evaluation."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.camunda.specs.business_rule_task import BusinessRuleTask
from SpiffWorkflow.dmn.specs.model import HitPolicy
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.deep_merge import DeepMerge


class DecisionTask(BusinessRuleTask):
    """A DMN business rule task; evaluations are appended to the script engine's journal."""

    def _run_hook(self, my_task: Any) -> bool:
        engine = self.dmnEngine
        table = engine.decision_table
        try:
            inputs = {
                (inp.label or inp.expression or inp.id): _safe_evaluate(my_task, inp.expression)
                for inp in table.inputs
            }
            matched = [rule for rule in table.rules if engine._DMNEngine__check_rule(rule, my_task)]
            if table.hit_policy == HitPolicy.UNIQUE.value and len(matched) > 1:
                rows = ", ".join(str(rule.row_number) for rule in matched)
                raise WorkflowTaskException(
                    f"Decision '{table.id}' has hit policy UNIQUE but rows {rows} all match", task=my_task)
            outputs = _outputs(my_task, table.hit_policy, matched)
            my_task.data = DeepMerge.merge(my_task.data, self._mapped(my_task, outputs, matched))
        except SpiffWorkflowException as exc:
            exc.add_note(f"Business Rule Task '{self.bpmn_name}'.")
            raise
        except Exception as exc:  # the DMN engine raises plain exceptions for bad entries
            error = WorkflowTaskException(str(exc), task=my_task, exception=exc)
            error.add_note(f"Business Rule Task '{self.bpmn_name}'.")
            raise error from exc
        journal = getattr(my_task.workflow.script_engine, "journal", None)
        if journal is not None:
            journal.append({
                "type": "decision_evaluated",
                "task": my_task,
                "decision_id": self.extensions.get("decisionRef") or table.id,
                "table_id": table.id,
                "hit_policy": table.hit_policy,
                "inputs": inputs,
                "matched_rules": [rule.id for rule in matched],
                "outputs": outputs,
            })
        return True

    def _mapped(self, my_task: Any, outputs: dict[str, Any], matched: list[Any]) -> dict[str, Any]:
        """Apply camunda:resultVariable with its mapDecisionResult, else merge the outputs."""
        variable = self.extensions.get("resultVariable")
        if not variable:
            return outputs
        mapping = self.extensions.get("mapDecisionResult", "resultList")
        rows = [rule.output_as_dict(my_task) for rule in matched]
        if mapping == "singleEntry":
            value = next(iter(rows[0].values()), None) if rows else None
        elif mapping == "singleResult":
            value = rows[0] if rows else None
        elif mapping == "collectEntries":
            value = [next(iter(row.values()), None) for row in rows]
        else:
            value = rows
        return {variable: value}


def _outputs(my_task: Any, hit_policy: str, matched: list[Any]) -> dict[str, Any]:
    """Return the decision result as SpiffWorkflow does: lists per output for COLLECT, else the first row."""
    if hit_policy == HitPolicy.COLLECT.value:
        result: dict[str, Any] = {}
        for rule in matched:
            for key, value in rule.output_as_dict(my_task).items():
                result.setdefault(key, []).append(value)
        return result
    return dict(matched[0].output_as_dict(my_task)) if matched else {}


def _safe_evaluate(my_task: Any, expression: str | None) -> Any:
    if not expression:
        return None
    try:
        return my_task.workflow.script_engine.evaluate(my_task, expression)
    except Exception:  # the decision itself reports the failure with its row
        return None
