"""The XLSX exports: text is stored as text, never as a formula, and a control character never fails a download."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from webui.xlsx import table_xlsx


def test_formula_looking_text_is_a_quoted_string_cell_and_numbers_stay_numbers():
    attack = "=cmd|' /C calc'!A0"
    content = table_xlsx("=title", ["Nama", "Nilai"], [[attack, 3], ["@SUM(A1)", -5], ["Dedi", 2.5]])
    sheet = load_workbook(BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows(min_row=4) for cell in row]
    assert [(c.value, c.data_type, bool(c.quotePrefix)) for c in cells] == [
        (attack, "s", True), (3, "n", False), ("@SUM(A1)", "s", True), (-5, "n", False),
        ("Dedi", "s", False), (2.5, "n", False)]
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=title", "s")
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_a_control_character_in_a_name_is_replaced_instead_of_failing_the_download():
    sheet = load_workbook(BytesIO(table_xlsx("t", ["Nama"], [["Dedi\x00\x1bPelaksana"]]))).active
    assert sheet["A4"].value == "Dedi\ufffd\ufffdPelaksana"
