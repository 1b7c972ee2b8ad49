"""Reading an instance's trail: its events, their stable export form, JSON and CSV exports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent
from engine.spreadsheet_cells import csv_safe_row

from .chain import CONFIDENTIAL_EVENT, access_chain_of, canonical, chain_of, utc_text


def events_of(session: Session, instance_id: int) -> list[AuditEvent]:
    """Return the instance's events in chain order."""
    return list(session.execute(select(AuditEvent).where(AuditEvent.chain == chain_of(instance_id))
                                .order_by(AuditEvent.seq)).scalars())


def access_events_of(session: Session, instance_id: int) -> list[AuditEvent]:
    """Return the recorded looks at an instance's records, oldest first."""
    return list(session.execute(select(AuditEvent).where(AuditEvent.chain == access_chain_of(instance_id))
                                .order_by(AuditEvent.seq)).scalars())


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """Return the stable export form of an event."""
    return {"id": event.id, "chain": event.chain, "seq": event.seq, "event_type": event.event_type,
            "actor": event.actor, "occurred_at": utc_text(event.occurred_at),
            "instance_id": event.instance_id, "human_task_id": event.human_task_id,
            "data": json.loads(event.data), "prev_hash": event.prev_hash, "hash": event.hash}


def is_confidential(event: dict[str, Any]) -> bool:
    """Return whether an exported event (`event_dict`) carries a restricted payload."""
    return bool(event["data"].get("confidential")) and event["event_type"] == CONFIDENTIAL_EVENT


def export(session: Session, instance_id: int, fmt: str) -> str:
    """Export an instance's trail as JSON (a list of events) or CSV (data as JSON text)."""
    events = [event_dict(e) for e in events_of(session, instance_id)]
    if fmt == "json":
        return json.dumps(events, indent=2, ensure_ascii=False)
    out = io.StringIO()
    columns = ["id", "chain", "seq", "event_type", "actor", "occurred_at", "instance_id", "human_task_id",
               "data", "prev_hash", "hash"]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for event in events:
        writer.writerow(csv_safe_row({**event, "data": canonical(event["data"])}))
    return out.getvalue()
