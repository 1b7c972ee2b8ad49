"""Engine tables: deployed spec versions, instances, human tasks, message subscriptions, audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    select,
    text,
    true,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from .db import Base

# BigInteger ids on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite (which keeps no zone) hands them back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SpecVersion(Base):
    """One immutable deployed version of an executable process."""

    __tablename__ = "spec_version"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer)
    #: sha256 over the serialized spec and the XML of every file it was built from.
    sha256: Mapped[str] = mapped_column(String(64))
    #: SpiffWorkflow serialization of the process spec and its sub-process specs (loaded on demand).
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    #: {file name: original XML} of the BPMN/DMN files this version was built from (loaded on demand).
    files: Mapped[dict[str, str]] = mapped_column(JSON, deferred=True)
    #: Which file defines the process itself (the diagram to show).
    main_file: Mapped[str] = mapped_column(String(500))
    #: Message names the process's start events catch (a thrown message may start it).
    start_messages: Mapped[list[str]] = mapped_column(JSON, default=list)
    deployed_by: Mapped[str] = mapped_column(String(200))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Keyed seals of the row with its spec JSON, and of its files (engine.audit.seals); checked on load.
    seal: Mapped[str | None] = mapped_column(String(200))


class Instance(Base):
    """A running or finished process instance; state is stored without the spec."""

    __tablename__ = "instance"
    __table_args__ = (UniqueConstraint("process_id", "business_key"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    spec_version_id: Mapped[int] = mapped_column(ForeignKey("spec_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str] = mapped_column(String(200))
    #: running | waiting | completed | error | suspended | terminated
    status: Mapped[str] = mapped_column(String(20), index=True)
    #: SpiffWorkflow state (JSON) without the spec.
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    #: Optimistic-locking counter, incremented on every save.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: Earliest due time of the instance's waiting timers; the worker polls on it.
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: Failure details while status is error: {"message", "task", "bpmn_id", "line"}.
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Reason given for suspend/terminate.
    status_reason: Mapped[str | None] = mapped_column(Text)
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Head of the instance's audit chain: events so far and the last hash (written with the state).
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    #: SHA-256 of `state` as saved, and the keyed seal of (id, audit_seq, audit_hash, state_hash): checked on restore.
    state_hash: Mapped[str | None] = mapped_column(String(64))
    seal: Mapped[str | None] = mapped_column(String(100))

    spec_version: Mapped[SpecVersion] = relationship(lazy="select")
    #: The spec's content hash, read with the row: restoring needs it to find the cached spec.
    spec_sha256: Mapped[str] = column_property(
        select(SpecVersion.sha256).where(SpecVersion.id == spec_version_id).scalar_subquery())

    # SQLAlchemy checks `version` on every UPDATE: a concurrent writer gets StaleDataError.
    __mapper_args__ = {"version_id_col": version}


#: The condition of the partial indexes over open tasks (both SQLite and PostgreSQL support them).
_OPEN = text("state = 'open'")
#: The condition of the partial index over open tasks' offers, as each database renders `task_open`.
_OFFERED_SQLITE, _OFFERED_POSTGRESQL = text("task_open = 1"), text("task_open")


class HumanTask(Base):
    """A READY user/manual task materialised for the inbox: listing never loads a workflow."""

    __tablename__ = "human_task"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_human_task_assignee_state", "assignee", "state"),
        Index("ix_human_task_instance_state", "instance_id", "state"),
        # The inbox's claimer lookup (engine.runtime.human_tasks.inbox.open_ids_for): open tasks only, so it stays
        # small.
        Index("ix_human_task_open_claimed_by", "claimed_by", sqlite_where=_OPEN, postgresql_where=_OPEN),
        # Overdue open tasks for /metrics (engine.monitoring) without reading a year of closed ones.
        Index("ix_human_task_open_due_at", "due_at", sqlite_where=_OPEN, postgresql_where=_OPEN),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    #: SpiffWorkflow task UUID inside the instance.
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(500))
    #: Process id of the (sub-)process that holds the task.
    process_id: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(200))
    assignee: Mapped[str | None] = mapped_column(String(200))
    #: User who claimed a candidate task.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    #: Form description: {"key": formKey or None, "fields": [...]} (see engine.forms).
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    documentation: Mapped[str | None] = mapped_column(Text)
    #: Task properties (camunda:properties) and multi-instance element info.
    properties: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: camunda:followUpDate: when the task should be looked at again (before it is due).
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: open | completed | cancelled
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(200))
    #: Keyed seals of who may act on the task and what they are shown, and of its candidates (engine.audit.seals).
    seal: Mapped[str | None] = mapped_column(String(200))

    candidates: Mapped[list[TaskCandidate]] = relationship(
        lazy="select", cascade="all, delete-orphan", passive_deletes=True)


class TaskCandidate(Base):
    """A candidate user or group of a human task, one row each so the inbox is one indexed query."""

    __tablename__ = "task_candidate"
    # Covering: the inbox reaches the offered tasks' ids without reading the candidate rows.
    __table_args__ = (Index("ix_task_candidate_kind_value", "kind", "value", "human_task_id"),
                      # The inbox's offer lookups (engine.runtime.human_tasks.inbox.open_ids): open tasks' offers only;
                      # task_open as a column too, or SQLite reads each row to check it (not covering).
                      Index("ix_task_candidate_open", "kind", "value", "human_task_id", "task_open",
                            sqlite_where=_OFFERED_SQLITE, postgresql_where=_OFFERED_POSTGRESQL))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"), index=True)
    #: user | group
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(200))
    #: Whether the task is still open: cleared when it completes or is cancelled, so the inbox reads
    #: open offers only; the rows stay (the task's record and its seal show who was offered it).
    task_open: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class TaskDraft(Base):
    """What a user saved of a task's form without submitting it; one per task and user, never shared."""

    __tablename__ = "task_draft"
    __table_args__ = (UniqueConstraint("human_task_id", "username"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"))
    #: The user whose draft it is (the actor who saved it).
    username: Mapped[str] = mapped_column(String(200))
    #: The posted values as the form reads them, not validated (a draft may be incomplete or wrong).
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Notification(Base):
    """A message to a user or a group about a task: created, a reminder, an escalation (engine.notifications)."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_recipient_read", "recipient_kind", "recipient", "read_at"),
        Index("ix_notification_emailed", "emailed_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: user | group: a group's notification is seen (and read) by every member.
    recipient_kind: Mapped[str] = mapped_column(String(10))
    #: The username, or the candidate group name.
    recipient: Mapped[str] = mapped_column(String(200))
    #: task_created | reminder | escalation
    kind: Mapped[str] = mapped_column(String(20))
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instance.id"))
    #: The task's title when the notification was made.
    title: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When it went out by e-mail (alone or in a digest); set once, so it is never sent twice.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ExternalTask(Base):
    """A READY external service task (camunda:type="external") waiting for a worker of its topic.

    Materialised like the inbox: workers fetch and lock by topic with one indexed query, never a
    workflow load.
    """

    __tablename__ = "external_task"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        Index("ix_external_task_topic_state", "topic", "state"),
        Index("ix_external_task_instance_state", "instance_id", "state"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"))
    #: SpiffWorkflow task UUID inside the instance.
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(500))
    #: Process id of the (sub-)process that holds the task.
    process_id: Mapped[str] = mapped_column(String(200))
    #: camunda:topic: what kind of worker does it.
    topic: Mapped[str] = mapped_column(String(200))
    #: camunda:taskPriority (higher first).
    priority: Mapped[int] = mapped_column(Integer, default=0)
    #: open | completed | cancelled
    state: Mapped[str] = mapped_column(String(20))
    #: Worker holding the lock, and until when (an expired lock may be fetched by another worker).
    worker_id: Mapped[str | None] = mapped_column(String(200))
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Retries left as the worker last reported them; 0 makes an incident.
    retries: Mapped[int | None] = mapped_column(Integer)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by: Mapped[str | None] = mapped_column(String(200))


class MessageSubscription(Base):
    """A message an instance is waiting for, refreshed on every save, so routing is a query."""

    __tablename__ = "message_subscription"
    #: Routing looks a message up by the keys of its correlation values and its name (runtime.events.correlation_keys);
    #: the key leads, so the list of keys is a list of index seeks on both databases.
    __table_args__ = (Index("ix_message_subscription_key_name", "correlation_key", "message_name"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instance.id"), index=True)
    message_name: Mapped[str] = mapped_column(String(200))
    #: Correlation values the instance expects, {key: {property: value}}.
    correlations: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The same values as one canonical text ("" expects nothing, "*" is checked in Python only).
    correlation_key: Mapped[str] = mapped_column(String(400), default="", server_default="")


class AuditEvent(Base):
    """An insert-only, hash-chained audit record; one chain per instance plus one global chain."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: "instance:<id>" or "global".
    chain: Mapped[str] = mapped_column(String(40))
    #: Position in the chain, from 1.
    seq: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(50), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    instance_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    human_task_id: Mapped[int | None] = mapped_column(BigInteger)
    #: Event payload (canonical JSON text, exactly what was hashed).
    data: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: HMAC-SHA256 with the key `key_id` of prev_hash and the event ("sha256": plain, before keying).
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(40), server_default="sha256")
    #: SHA-256 of the instance state saved with this event, for the events of an engine step.
    state_hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Base):
    """The last sequence number and hash of each chain outside instances (instances keep theirs)."""

    __tablename__ = "audit_chain_head"

    chain: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    #: Keyed seal of (chain, seq, hash).
    seal: Mapped[str | None] = mapped_column(String(100))


class NonWorkingDay(Base):
    """A day off an operator added for a year (cuti bersama), on top of weekends and public holidays."""

    __tablename__ = "non_working_day"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def table_of(model: type[Base]) -> Table:
    """Return a model's Core table (typed), for the hot path's plain statements."""
    return cast(Table, model.__table__)


class AuditCheck(Base):
    """One whole-database verification of the audit chains: who started it, how far it got, what it found."""

    __tablename__ = "audit_check"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: running, done (every chain checked) or failed (the check itself stopped; see `error`).
    status: Mapped[str] = mapped_column(String(20))
    chains_total: Mapped[int] = mapped_column(Integer, default=0)
    chains_done: Mapped[int] = mapped_column(Integer, default=0)
    #: The first breach of each broken chain: [{"chain", "event_id", "seq", "message"}].
    breaches: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
