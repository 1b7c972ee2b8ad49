"""The exceptions the sandbox raises, and the internal one that stops a script over its time budget."""

from __future__ import annotations


class ScriptRefused(SyntaxError):
    """The sandbox refused to compile a script or expression; `line` is the script's own line (1-based).

    It is a SyntaxError so that SpiffWorkflow's error path reads `lineno` (always an int here: that path
    fails with a TypeError on None) and reports the script line in its WorkflowTaskException.
    """

    def __init__(self, message: str, line: int | None = None,
                 problems: list[tuple[int | None, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.problems = list(problems or [(line, message)])
        self.msg = message
        self.lineno = line or 0

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class SandboxViolation(Exception):
    """Raised at run time when a script reaches for something the sandbox does not offer."""


class ScriptTimeout(Exception):
    """Raised when sandboxed code runs longer than its time budget."""


class ScriptMemoryExceeded(Exception):
    """Raised when sandboxed code grows the process's memory past its cap (SCRIPT_MEMORY_MB)."""


class TaskDataInvalid(ValueError):
    """Raised when a script leaves values in task data that are not JSON data."""


class BudgetExceeded(BaseException):
    """Stops sandboxed code; a BaseException so that a script's `except Exception:` cannot swallow it."""


class MemoryBudgetExceeded(BudgetExceeded):
    """Stops sandboxed code that used more memory than its cap."""
