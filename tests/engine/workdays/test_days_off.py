"""`kinerja calendar`: operators add and remove cuti bersama days and list a year's days off."""

from __future__ import annotations

import json

from sqlalchemy import select

from engine.models import AuditEvent


def test_add_list_and_remove_a_cuti_bersama_day(cli, session):
    assert "now a day off" in cli("calendar", "add-holiday", "2027-12-24", "--name", "Cuti bersama Natal",
                                  "--actor", "bkpsdm")
    listed = json.loads(cli("calendar", "list", "--year", "2027", "--json"))
    by_day = {entry["day"]: entry for entry in listed}
    assert by_day["2027-12-24"] == {"day": "2027-12-24", "name": "Cuti bersama Natal", "source": "ditambahkan"}
    assert by_day["2027-12-25"]["source"] == "libur nasional"  # Christmas, from the public holidays
    assert "Cuti bersama Natal" in cli("calendar", "list", "--year", "2027")

    assert "working day again" in cli("calendar", "remove-holiday", "2027-12-24")
    assert "2027-12-24" not in {e["day"] for e in json.loads(cli("calendar", "list", "--year", "2027", "--json"))}
    trail = session.execute(select(AuditEvent.event_type, AuditEvent.actor).where(
        AuditEvent.event_type.like("non_working_day_%")).order_by(AuditEvent.id)).all()
    assert [tuple(row) for row in trail] == [("non_working_day_added", "bkpsdm"),
                                             ("non_working_day_removed", "operator")]


def test_bad_input_is_refused_and_changes_nothing(cli):
    assert "is not a date" in cli("calendar", "add-holiday", "2027-02-30", "--name", "x", code=2)
    # A Saturday or a public holiday is already a day off: adding it would mean nothing.
    assert "already not a working day (Sabtu)" in cli("calendar", "add-holiday", "2027-12-18", "--name", "x",
                                                      code=1)
    assert "already not a working day (Hari Kemerdekaan" in cli("calendar", "add-holiday", "2027-08-17",
                                                                "--name", "x", code=1)
    assert "needs a name" in cli("calendar", "add-holiday", "2027-12-24", "--name", " ", code=1)
    out = cli("calendar", "remove-holiday", "2027-08-17", code=1)
    assert "is not an added day off" in out and "public holiday" in out
    listed = json.loads(cli("calendar", "list", "--year", "2027", "--json"))
    assert all(entry["source"] == "libur nasional" for entry in listed)
