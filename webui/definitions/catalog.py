"""What the definition pages show: processes with their versions and running instances, one version's files."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from engine.models import Instance, SpecVersion

#: Instance states that are over: everything else still runs on its version.
FINISHED = ("completed", "terminated")


@dataclass
class ProcessVersions:
    """One process: its id, latest name and its versions, newest first, each with its running count."""

    process_id: str
    name: str | None
    versions: list[SpecVersion] = field(default_factory=list)
    running: dict[int, int] = field(default_factory=dict)


def processes(session: Session) -> list[ProcessVersions]:
    """Return every deployed process with its versions, newest first; two queries whatever their number."""
    running = dict(session.execute(
        select(Instance.spec_version_id, func.count())
        .where(Instance.status.not_in(FINISHED)).group_by(Instance.spec_version_id)).all())
    found: dict[str, ProcessVersions] = {}
    rows = session.execute(select(SpecVersion).order_by(SpecVersion.process_id, SpecVersion.version.desc()))
    for version in rows.scalars():
        entry = found.setdefault(version.process_id, ProcessVersions(version.process_id, version.name))
        entry.versions.append(version)
        entry.running[version.id] = int(running.get(version.id, 0))
    return list(found.values())


def version_of(session: Session, process_id: str, number: int) -> SpecVersion | None:
    """Return one version of a process with its files loaded, or None."""
    return session.execute(select(SpecVersion).options(undefer(SpecVersion.files))
                           .where(SpecVersion.process_id == process_id, SpecVersion.version == number)
                           ).scalar_one_or_none()


def running_count(session: Session, spec_version_id: int) -> int:
    """Return how many instances of a version are not finished."""
    return int(session.execute(select(func.count()).select_from(Instance).where(
        Instance.spec_version_id == spec_version_id, Instance.status.not_in(FINISHED))).scalar_one())


def file_kind(name: str) -> str:
    """Return 'dmn' or 'bpmn' by the file's extension."""
    return "dmn" if name.lower().endswith(".dmn") else "bpmn"
