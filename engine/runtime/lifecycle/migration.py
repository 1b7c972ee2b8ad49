"""Moving a running instance to another deployed version of its process (e.g. to fix a broken script)."""

from __future__ import annotations

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.serializer import full_serializer
from engine.definitions.specs import spec_of
from engine.errors import InvalidState, NotFound
from engine.models import SpecVersion

from ..running.execution import restore
from ..running.rows import InstanceRow
from ..running.run import Run

#: Tasks in these states are reset and predicted again on the new spec.
RESET_MASK = TaskState.READY | TaskState.WAITING | TaskState.ERROR
#: A task of the old spec in one of these states must still exist in the new one.
DONE_MASK = TaskState.COMPLETED | TaskState.STARTED


def migrate(session: Session, instance: InstanceRow, actor: str, version: int | None = None,
            reason: str | None = None) -> Run:
    """Move an unfinished instance to a version (default: the latest) if no finished work is lost; flush.

    The reason, when given, goes into the `instance_migrated` audit event.
    """
    if instance.status in ("completed", "terminated"):
        raise InvalidState(f"instance {instance.id} is {instance.status}; it cannot be migrated",
                           status=instance.status)
    query = select(SpecVersion).where(SpecVersion.process_id == instance.process_id)
    query = query.where(SpecVersion.version == version) if version else query.order_by(
        SpecVersion.version.desc()).limit(1)
    target = session.execute(query).scalar_one_or_none()
    if target is None:
        raise NotFound(f"process '{instance.process_id}' has no version {version}", version=version)
    run = restore(session, instance, actor)
    if target.id == instance.spec_version_id:
        return run
    spec, subprocess_specs = spec_of(session, target.id, target.sha256)
    top_diff, sub_diffs = diff_workflow(full_serializer.registry, run.workflow, spec, subprocess_specs)
    lost = [t.task_spec.bpmn_id or t.task_spec.name for t in top_diff.removed if t.state & DONE_MASK]
    for sub_id, diff in sub_diffs.items():
        sub = run.workflow.subprocesses[sub_id]
        if diff is None and not sub.is_completed():
            lost.append(f"called process '{sub.spec.name}'")
        elif diff is not None:
            lost += [t.task_spec.bpmn_id or t.task_spec.name for t in diff.removed if t.state & DONE_MASK]
    # A task the instance waits at that the new version drops has nowhere to go: refuse rather than guess.
    stranded = [t.task_spec.bpmn_id or t.task_spec.name for t in top_diff.removed if t.state & RESET_MASK]
    for diff in sub_diffs.values():
        if diff is not None:
            stranded += [t.task_spec.bpmn_id or t.task_spec.name for t in diff.removed if t.state & RESET_MASK]
    if stranded and not lost:
        raise InvalidState(f"instance {instance.id} cannot move to version {target.version}: it waits at "
                           f"{', '.join(sorted(set(stranded)))}, which the new version no longer has",
                           waiting=sorted(set(stranded)))
    if lost:
        raise InvalidState(f"instance {instance.id} cannot move to version {target.version}: it has already "
                           f"run {', '.join(sorted(set(lost)))}, which the new version no longer has",
                           lost=sorted(set(lost)))
    migrate_workflow(top_diff, run.workflow, spec, reset_mask=RESET_MASK)
    for sub_id, diff in sub_diffs.items():
        if diff is not None:
            sub = run.workflow.subprocesses[sub_id]
            migrate_workflow(diff, sub, subprocess_specs[sub.spec.name], reset_mask=RESET_MASK)
    run.workflow.subprocess_specs = subprocess_specs
    previous = session.get(SpecVersion, instance.spec_version_id)
    assert previous is not None
    instance.spec_version_id, instance.spec_sha256 = target.id, target.sha256
    moved = {"from_version": previous.version, "to_version": target.version,
             "from_spec_version_id": previous.id, "to_spec_version_id": target.id}
    run.note("instance_migrated", {**moved, "reason": reason} if reason else moved)
    return run
