"""One helper that writes a table as an XLSX workbook: a title row, headers, rows, column widths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from engine.spreadsheet_cells import looks_like_formula

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 60


def table_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Data") -> bytes:
    """Return an XLSX file of one sheet: the title in row 1, the headers in row 3, then the rows."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]  # Excel's limit on a sheet name
    ws.append([title])
    _keep_text(ws[1])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(list(headers))
    _keep_text(ws[3])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [_cell(v) for v in row]
        ws.append(values)
        _keep_text(ws[ws.max_row])
        for i, value in enumerate(values[:len(widths)]):
            widths[i] = max(widths[i], len(str(value)) if value is not None else 0)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "A4"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Return a value openpyxl writes: aware datetimes lose their zone (Excel has none), control characters go."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # openpyxl refuses them, failing the whole download
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    return value


def _keep_text(cells: Sequence[Any]) -> None:
    """Store every text cell as a string, never a formula, and mark formula-looking text as typed with a quote."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
            if looks_like_formula(cell.value):  # stays text even after someone edits the cell in a spreadsheet
                cell.quotePrefix = True


def xlsx_response(filename: str, content: bytes) -> Response:
    """Return the workbook as a download."""
    # Personal data, like the pages: never kept in a shared cache.
    return Response(content, mimetype=MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
