"""The cast of the appraisal-page tests, from the demo city, and helpers to read what a view left behind.

Maya Sari (Pengolah Data, Seksi Kelahiran) is appraised by Agus Salim (Kepala Seksi Kelahiran); the
Kepala Bidang Pencatatan Sipil above him is vacant and Rina Marlina (Sekretaris Dinas) acts for it as
Plt, so she is Maya's Atasan Pejabat Penilai and Agus's Pejabat Penilai. Irfan Hakim holds the same
position as Maya (a colleague, nothing more); the Kepala Dinas stands above the Plt's post, not Maya's.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask

from engine import audit
from engine.runtime.lifecycle import instances
from webui.extensions import db
from workflows.cycle.cycles import cycle_key

YEAR = 2027
MAYA = "199201252017082002"
AGUS = "198107192006041005"
RINA = "198004122005012002"
IRFAN = "199411192019031006"
KADIS = "197101201996031002"


def instance_of(app: Flask, nip: str) -> int:
    """Return the id of the employee's appraisal instance of the demo year."""
    with app.app_context():
        found = instances.find(db.session, "siklus_kinerja", cycle_key(YEAR, nip))
        assert found is not None
        return found.id


def views_of(app: Flask, instance_id: int) -> list[tuple[str, dict[str, Any]]]:
    """Return the (actor, data) of the instance's record_viewed events, oldest first."""
    with app.app_context():
        return [(e.actor, json.loads(e.data)) for e in audit.access_events_of(db.session, instance_id)
                if e.event_type == "record_viewed"]


def event_count(app: Flask, instance_id: int) -> int:
    """Return how many events the instance's audit chain holds."""
    with app.app_context():
        return len(audit.events_of(db.session, instance_id))
