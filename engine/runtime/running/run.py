"""Run: one unit of work on an instance, its workflow and what happened so far (shared by every runtime module)."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from engine.audit import Pending
from engine.context import RunContext, running

from .rows import InstanceRow


@dataclass
class Run:
    """One unit of work on an instance: its row, its workflow, and what happened so far."""

    instance: InstanceRow
    workflow: BpmnWorkflow
    actor: str
    events: list[Pending] = field(default_factory=list)
    journal: list[dict[str, Any]] = field(default_factory=list)
    #: Messages thrown by this run that no task inside the instance caught.
    outbox: list[Any] = field(default_factory=list)
    #: Message subscriptions when the run began, to write them only when they change.
    subscriptions_before: list[dict[str, Any]] = field(default_factory=list)
    #: The session the run writes in (made current for registered functions and resolvers).
    session: Session | None = None
    #: Ids of the READY manual tasks when the run began: exactly the instance's open human_task rows.
    ready_before: set[str] = field(default_factory=set)
    #: Ids of the started external tasks when the run began: exactly the instance's open external_task rows.
    external_before: set[str] = field(default_factory=set)
    #: Which attempt at a failed step this run is (automatic retries of a retry time cycle count up).
    attempt: int = 1
    #: When the run began (time.time, as SpiffWorkflow stamps tasks): the tasks changed since are what it wrote.
    started: float = field(default_factory=time.time)

    def context(self) -> AbstractContextManager[Any]:
        """Make this run current for application functions called from scripts and resolvers."""
        if self.session is None:
            return nullcontext()
        instance = self.instance
        return running(RunContext(self.session, instance.id, instance.process_id, instance.business_key,
                                  self.actor, self.note))

    def note(self, event_type: str, data: dict[str, Any] | None = None, human_task_id: int | None = None,
             actor: str | None = None) -> None:
        """Queue an audit event of this instance for the save."""
        self.events.append(Pending(event_type, actor or self.actor, self.instance.id, human_task_id, data))
