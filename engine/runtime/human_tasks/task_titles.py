"""A user task's title: its name with `${...}` evaluated over the task's data, as Camunda 7's nameExpression.

A task may instead carry the title template in an extension property `title` (Camunda Modeler: Extension
properties), so the diagram keeps a short name readable at 100% zoom while the inbox shows the full title.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from engine.expressions import juel_template_to_python
from engine.sandbox.juel_functions import juel_text

__all__ = ["MAX_TITLE_LENGTH", "TITLE_PROPERTY", "task_title"]

#: The extension property that holds a title template in place of the name.
TITLE_PROPERTY = "title"

#: The length of human_task.name; a longer title is cut, never refused.
MAX_TITLE_LENGTH = 500


@lru_cache(maxsize=1024)
def _python(name: str) -> str | None:
    """Return the Python of a name holding `${...}`, or None for a plain name."""
    if "${" not in name and "#{" not in name:
        return None
    return juel_template_to_python(name)


def task_title(task: Any) -> tuple[str, str | None]:
    """Return the task's title and, when its expression failed, why (the title is then the name as written).

    A failing title must not stop the work: the task still appears, under its raw name, and the caller audits
    the reason. Syntax errors never get here: validation refuses them at deploy.
    """
    spec = task.task_spec
    name = spec.bpmn_name or spec.bpmn_id
    template = str(((spec.extensions or {}).get("properties") or {}).get(TITLE_PROPERTY) or name)
    try:
        python = _python(template)
        if python is None:
            return template[:MAX_TITLE_LENGTH], None
        title = juel_text(task.workflow.script_engine.evaluate(task, python)).strip()
    except Exception as exc:
        return name, _reason(exc)
    return (title or name)[:MAX_TITLE_LENGTH], None


def _reason(exc: Exception) -> str:
    # SpiffWorkflow wraps the cause; the cause's own message is the readable part.
    cause = getattr(exc, "exception", None) or exc.__cause__ or exc
    return f"{type(cause).__name__}: {cause}"
