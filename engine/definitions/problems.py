"""Problem, the unit of every deploy-time report, and the helpers that name BPMN/DMN elements in one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["BPMN_NS", "CAMUNDA_NS", "Problem", "bpmn", "camunda", "describe", "local", "text_of"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


@dataclass(frozen=True)
class Problem:
    """One reason a file set was refused, pointing at a line of the original file."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"file": self.file, "line": self.line, "message": self.message}


def bpmn(tag: str) -> str:
    """Return the Clark name of a BPMN model element."""
    return f"{{{BPMN_NS}}}{tag}"


def camunda(name: str) -> str:
    """Return the Clark name of a camunda: attribute or element."""
    return f"{{{CAMUNDA_NS}}}{name}"


def local(element: Any) -> str:
    """Return an element's tag without its namespace ('' for comments and processing instructions)."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def describe(element: Any, kind: str | None = None) -> str:
    """Return how a process owner recognises an element: "user task 'Task_1' (Approve)"."""
    words = kind or re.sub(r"(?<!^)([A-Z])", r" \1", local(element)).lower()
    words = words.replace("sub process", "sub-process")
    name = " ".join((element.get("name") or "").split())
    return f"{words} '{element.get('id', '?')}'" + (f" ({name})" if name else "")


def text_of(element: Any) -> str:
    """Return the element's text, stripped ('' when absent)."""
    return (element.text or "").strip() if element is not None else ""
