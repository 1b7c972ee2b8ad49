"""Plain rows for the hot path: an instance or task read with Core and written back with one statement.

The ORM's instrumented objects cost more to build than the statements that fill them; every engine
step works on these instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class InstanceRow:
    """One `instance` row (plus its spec's content hash)."""

    id: int
    spec_version_id: int
    process_id: str
    business_key: str
    status: str
    state: str
    serializer_version: str
    version: int
    next_timer_at: datetime | None
    error: dict[str, Any] | None
    status_reason: str | None
    started_by: str
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    audit_seq: int
    audit_hash: str
    spec_sha256: str
    state_hash: str | None = None
    seal: str | None = None


@dataclass(slots=True)
class TaskRow:
    """One `human_task` row."""

    id: int
    instance_id: int
    spiff_task_id: str
    bpmn_id: str
    name: str | None
    process_id: str
    lane: str | None
    assignee: str | None
    claimed_by: str | None
    form: dict[str, Any]
    documentation: str | None
    properties: dict[str, Any]
    due_at: datetime | None
    state: str
    created_at: datetime
    completed_at: datetime | None
    completed_by: str | None
    seal: str | None = None


_INSTANCE_FIELDS = tuple(f.name for f in fields(InstanceRow))
_TASK_FIELDS = tuple(f.name for f in fields(TaskRow))


def instance_row(mapping: Mapping[Any, Any]) -> InstanceRow:
    """Build an InstanceRow from a result mapping with every column and `spec_sha256`."""
    return InstanceRow(*(mapping[name] for name in _INSTANCE_FIELDS))


def task_row(mapping: Mapping[Any, Any]) -> TaskRow:
    """Build a TaskRow from a result mapping of a human_task row."""
    return TaskRow(*(mapping[name] for name in _TASK_FIELDS))
