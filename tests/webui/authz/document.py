"""Write docs/authorization.md from the matrix's table: `python -m tests.webui.authz.document` regenerates it."""

from __future__ import annotations

from pathlib import Path

from .cast import ROLES
from .table import RULES, SIGN_IN

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "authorization.md"
#: How each outcome is written in the document's cells.
CELLS = {"ok": "✓", "404": "404", "403": "403", "401": "401", SIGN_IN: "→ masuk"}
HEADER = """# Authorization matrix

Generated from `tests/webui/authz/table.py` by `python -m tests.webui.authz.document`; do not edit by hand.
`tests/webui/authz/test_matrix.py` calls every route of the app as every role below and fails when an
answer differs from this table, when a route has no row, or when this page is out of date.

The case: Reza Maulana's appraisal of 2027 at its objection window. Ids in the addresses are his (his
appraisal, his open task, his notification), so each id-bearing row is also the check that nobody outside
his appraisal reaches it by changing an id. Web routes are called with the role's signed-in session and a
valid CSRF token; API routes (`/api/...`) with a bearer token of the role's account.

Cells: ✓ let through (a page, a file, a redirect, or a validation answer to the matrix's empty form),
404 as if it did not exist, 403 refused openly, 401 no valid token, → masuk sent to sign in.
"""


def render() -> str:
    """Return the document's text."""
    lines = [HEADER, "## Roles", "", "| column | account | who |", "|---|---|---|"]
    lines += [f"| `{key}` | {f'`{username}`' if username else '—'} | {what} |" for key, username, what in ROLES]
    lines += ["", "## Routes", ""]
    columns = [key for key, _, _ in ROLES]
    lines.append("| method | route | " + " | ".join(f"`{key}`" for key in columns) + " | note |")
    lines.append("|---|---|" + "---|" * len(columns) + "---|")
    for rule in sorted(RULES, key=lambda r: (r.path.split("?")[0], r.method)):
        cells = " | ".join(CELLS.get(rule.expected(key), rule.expected(key)) for key in columns)
        note = rule.note + ("" if rule.call_allowed else " (allowed call not made by the matrix)")
        lines.append(f"| {rule.method} | `{rule.path.split('?')[0]}` | {cells} | {note.strip()} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOCUMENT.write_text(render(), encoding="utf-8")
    print(f"wrote {DOCUMENT}")
