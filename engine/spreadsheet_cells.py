"""Spreadsheet-safe cells: text a spreadsheet would run as a formula is exported as plain text.

Excel, LibreOffice and Google Sheets read a CSV cell that starts with `=`, `+`, `-` or `@` (or a tab or
carriage return before one) as a formula, and `=cmd|' /C calc'!A0` runs a program (CSV injection). Following
the OWASP guidance, such text is written with a leading single quote, which the spreadsheet shows as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula, a command or a DDE call.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: What is put in front of such text so that it stays text.
TEXT_PREFIX = "'"


def looks_like_formula(text: str) -> bool:
    """Return whether a spreadsheet could read this text (leading spaces ignored) as a formula."""
    # LibreOffice trims spaces on import when asked to, so " =1+1" is as dangerous as "=1+1".
    return text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """Return the value as a CSV export writes it: formula-looking text prefixed with a single quote."""
    if isinstance(value, str) and looks_like_formula(value):
        return TEXT_PREFIX + value
    return value


def csv_safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return a CSV row (column -> value) with every cell made spreadsheet-safe."""
    return {column: csv_safe(value) for column, value in row.items()}
