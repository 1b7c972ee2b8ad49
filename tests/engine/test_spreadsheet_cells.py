"""Exports never hand a spreadsheet a formula: formula-looking text is written with a leading quote."""

from __future__ import annotations

import csv
import io

import pytest

from engine import audit
from engine.spreadsheet_cells import csv_safe, csv_safe_row, looks_like_formula

ATTACKS = ["=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1", "\n=1+1", "  =HYPERLINK(\"http://evil\",\"klik\")", "-5"]
HARMLESS = ["Dedi Pelaksana", "", "O'Brien", "a=b", "1+1", "kinerja@example.org", "'=already quoted", "(=)"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_looking_text_is_prefixed_with_a_quote(text):
    assert looks_like_formula(text)
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", [*HARMLESS, 42, -5, 3.5, None, True])
def test_other_values_are_written_as_they_are(value):
    assert csv_safe(value) == value  # numbers stay numbers: only text can carry a formula


def test_a_written_and_read_back_row_starts_no_cell_with_a_formula_character():
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["name", "score"])
    writer.writerow(csv_safe_row({"name": "=cmd|' /C calc'!A0", "score": -5}))
    [[name, score]] = csv.reader(io.StringIO(out.getvalue()))
    assert (name, score) == ("'=cmd|' /C calc'!A0", "-5")


def test_the_audit_csv_export_writes_a_formula_looking_actor_as_text(deploy, start, session):
    actor = "=HYPERLINK(\"http://evil\",\"klik\")"
    deploy("processes/review.bpmn")
    one = start("review", {"employee": "ani", "manager": "budi", "unit_group": "x_penilai"})
    audit.record(session, "record_viewed", actor, instance_id=one.id, data={"note": "-1+1"})
    session.commit()
    rows = list(csv.DictReader(io.StringIO(audit.export(session, one.id, "csv"))))
    assert "'" + actor in [row["actor"] for row in rows]
    assert not any(looks_like_formula(cell) for row in rows for cell in row.values())
