"""SandboxEnvironment runs scripts and expressions over task data; SandboxScriptEngine reports their errors."""

from __future__ import annotations

import logging
import types
from collections.abc import Iterator, Mapping
from typing import Any, cast

from RestrictedPython.PrintCollector import PrintCollector
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .budget import time_budget
from .errors import (
    BudgetExceeded,
    MemoryBudgetExceeded,
    ScriptMemoryExceeded,
    ScriptRefused,
    ScriptTimeout,
    TaskDataInvalid,
)
from .functions import script_functions
from .guards import RUNTIME_GLOBALS
from .limits import LIMITS
from .policy import SANDBOX_FILENAME, code_or_refuse
from .sizes import repr_exceeds
from .task_data import keep_only_data

logger = logging.getLogger(__name__)


#: value_of(name, default=None): a variable's value, or default when the instance does not have it.
VALUE_OF = "value_of"


def _value_of(variables: dict[str, Any]) -> Any:
    def value_of(name: str, default: Any = None) -> Any:
        """Return the variable called name, or default when the instance has no such variable."""
        return variables.get(name, default)
    return value_of


class SandboxEnvironment(TaskDataEnvironment):
    """Task-data environment whose evaluate/execute run RestrictedPython-compiled code with safe builtins and guards."""

    def __init__(self, extra_globals: dict[str, Any] | None = None,
                 step_budget_seconds: float | None = None) -> None:
        super().__init__(dict(extra_globals or {}))
        self.step_budget_seconds = step_budget_seconds if step_budget_seconds is not None else _budget[0]

    def functions(self) -> dict[str, Any]:
        """Return the registered functions plus this environment's extra globals (extras win)."""
        return {**script_functions(), **self.globals}

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        """Return the value of expression over the task data (context) and external_context."""
        code = code_or_refuse(expression, "eval")
        self._prepare_context(context)
        scope = self.functions()
        scope.update(external_context or {})
        scope.update(context)
        scope.update(RUNTIME_GLOBALS)
        scope[VALUE_OF] = _value_of(context)
        return self._run(code, scope, materialize=True)

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        """Run script with the task data (context) as its variables and keep the variables it leaves."""
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = code_or_refuse(script, "exec")
        before = dict(context)
        self._prepare_context(context)
        context.update(self.functions())
        context.update(external)
        context.update(RUNTIME_GLOBALS)
        context[VALUE_OF] = _value_of(context)
        try:
            self._run(code, context, materialize=False)
        finally:
            self._log_printed(context)
            self._remove_globals_and_functions_from_context(context, external, before)
            problems = keep_only_data(context, before)
        if problems:
            raise TaskDataInvalid("the script left values that cannot be stored: " + "; ".join(problems))
        return True

    def check_for_overwrite(self, context: dict[str, Any], external_context: dict[str, Any]) -> None:
        """Raise ValueError when task data would hide a registered function or an external value."""
        clashes = (set(self.functions()) | set(external_context) | {VALUE_OF}).intersection(context)
        if clashes:
            raise ValueError("You have task data that overwrites a predefined function(s). Please change the "
                             f"following variable or field name(s) to something else: {sorted(clashes)}")

    def _remove_globals_and_functions_from_context(self, context: dict[str, Any],
                                                   external_context: Mapping[str, Any] | None = None,
                                                   before: Mapping[str, Any] | None = None) -> None:
        """Remove what execute added (functions, externals, guards, builtins) and what cannot be stored."""
        added = set(self.functions()) | set(external_context or {}) | set(RUNTIME_GLOBALS) | {VALUE_OF}
        for key in list(context):
            value = context[key]
            # Names starting with '_' that were not there before come from RestrictedPython (e.g. _print).
            generated = key.startswith("_") and (before is None or key not in before)
            if key in added or generated or callable(value) or isinstance(value, types.ModuleType):
                del context[key]

    def _run(self, code: types.CodeType, scope: dict[str, Any], materialize: bool) -> Any:
        """Run code within the time budget; a lazy result is consumed inside the budget too."""
        try:
            with time_budget(self.step_budget_seconds):
                result = eval(code, scope)
                if materialize and isinstance(result, Iterator):
                    result = list(result)
                return result
        except MemoryBudgetExceeded as stop:
            raise ScriptMemoryExceeded(f"the script used more than {LIMITS.memory_mb} MiB of memory and was "
                                       "stopped").with_traceback(stop.__traceback__) from None
        except Exception as error:
            # Its message is turned into text outside the budget: keep a too large value out of it.
            if any(repr_exceeds(arg) for arg in error.args):
                error.args = ("(the value in this message is too large to show)",)
            raise
        except BudgetExceeded as stop:
            # Keep the sandboxed frames in the traceback: SpiffWorkflow reads the script line from them.
            budget = f"{self.step_budget_seconds:g} s"
            raise ScriptTimeout(f"the script ran longer than its time budget of {budget} and was stopped"
                                ).with_traceback(stop.__traceback__) from None

    @staticmethod
    def _log_printed(context: Mapping[str, Any]) -> None:
        collector = context.get("_print")
        if isinstance(collector, PrintCollector) and collector.txt:
            logger.debug("script printed: %s", collector())


class SandboxScriptEngine(PythonScriptEngine):
    """A PythonScriptEngine whose errors always carry a readable message and, when known, the script line."""

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        """Evaluate expression over the task's data; failures become WorkflowTaskException with the cause."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as error:
            error.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as error:
            raise WorkflowTaskException(f"Error evaluating expression '{expression}': {_describe(error)}",
                                        task=task, exception=error) from error

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Exception:
        """Return the WorkflowTaskException for a failed script, with its message and script line."""
        line_number, error_line = _locate(script, err)
        if isinstance(err, SpiffWorkflowException):
            err.line_number = line_number
            err.error_line = error_line
            err.add_note(f"Python script error on line {line_number}: '{error_line}'")
            return cast(Exception, err)
        wrapped: Exception = WorkflowTaskException(_describe(err), task=task, exception=err,
                                                   line_number=line_number, error_line=error_line)
        return wrapped


def _describe(error: BaseException) -> str:
    if isinstance(error, ScriptRefused):
        return f"the script was refused: {error}"
    return f"{type(error).__name__}: {error}"


def _locate(script: str, error: BaseException) -> tuple[int, str]:
    """Return the script line (1-based, 0 if unknown) where error happened, and its text."""
    line = 0
    if isinstance(error, ScriptRefused):
        line = error.line or 0
    else:
        trace = error.__traceback__
        while trace is not None:
            if trace.tb_frame.f_code.co_filename == SANDBOX_FILENAME:
                line = trace.tb_lineno
            trace = trace.tb_next
    lines = script.splitlines() if isinstance(script, str) else []
    return line, (lines[line - 1] if 0 < line <= len(lines) else "")


#: Seconds a script or expression may run; set from KINERJA_SCRIPT_TIMEOUT_SECONDS at start-up.
_budget = [2.0]


def set_time_budget(seconds: float) -> None:
    """Set how long every script or expression may run from now on."""
    if seconds <= 0:
        raise ValueError("the script time budget must be positive")
    _budget[0] = float(seconds)


def make_script_engine(extra_globals: dict[str, Any] | None = None) -> PythonScriptEngine:
    """Return a PythonScriptEngine using SandboxEnvironment.

    Attach it to every BpmnWorkflow after create or deserialize.
    """
    return SandboxScriptEngine(environment=SandboxEnvironment(extra_globals))
