"""Deploying BPMN/DMN file sets as immutable, versioned process specs, and loading them (cached)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.audit import seals
from engine.clock import clock
from engine.elements.message_events import MessageEvent
from engine.elements.signal_events import SignalEvent
from engine.elements.signal_events import subscription_name as signal_subscription
from engine.errors import NotFound, ValidationFailed
from engine.models import SpecVersion

from .serializer import dump_spec, load_spec
from .validation import validate

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass
class DeployResult:
    """What one deploy did for one process: a new version, or the unchanged existing one."""

    spec_version: SpecVersion
    created: bool


def deploy(session: Session, files: dict[str, bytes], actor: str,
           max_bytes: int = DEFAULT_MAX_BYTES, *, strict: bool = False) -> list[DeployResult]:
    """Validate a file set (strict: the appraisal profile) and store a new version of each changed process."""
    checked, problems = validate(files, max_bytes=max_bytes, strict=strict)
    if checked is None:
        raise ValidationFailed(problems)
    results = []
    for process_id in checked.process_ids:
        spec = checked.parser.get_spec(process_id)
        subprocess_specs = checked.parser.get_subprocess_specs(process_id)
        spec_json = dump_spec(spec, subprocess_specs)
        own_files = {name: checked.files[name] for name in checked.files_for(process_id)}
        digest = seals.spec_digest(spec_json, own_files)
        latest = latest_version(session, process_id)
        if latest is not None and latest.sha256 == digest:
            results.append(DeployResult(latest, created=False))
            continue
        version = SpecVersion(
            process_id=process_id, name=checked.process_names.get(process_id),
            version=(latest.version + 1) if latest else 1, sha256=digest, spec_json=spec_json,
            files=own_files, main_file=checked.file_of(process_id), start_messages=_start_messages(spec),
            deployed_by=actor,
            deployed_at=clock.now(),
        )
        session.add(version)
        session.flush()
        version.seal = seals.seal_spec(version.id, process_id, version.version, digest, spec_json, own_files)
        audit.record(session, "spec_deployed", actor, data={
            "spec_version_id": version.id, "process_id": process_id, "version": version.version,
            "sha256": digest, "files": sorted(own_files)})
        results.append(DeployResult(version, created=True))
    return results


def _start_messages(spec: Any) -> list[str]:
    """Return the names of the messages the process's start events catch."""
    names = set()
    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(task_spec, StartEvent) and isinstance(definition, MessageEvent):
            names.add(definition.name)
        elif isinstance(task_spec, StartEvent) and isinstance(definition, SignalEvent):
            names.add(signal_subscription(definition.name))  # started by a signal (messages.route)
    return sorted(names)


def latest_version(session: Session, process_id: str) -> SpecVersion | None:
    """Return the newest deployed version of a process, or None."""
    return session.execute(select(SpecVersion).where(SpecVersion.process_id == process_id)
                           .order_by(SpecVersion.version.desc()).limit(1)).scalar_one_or_none()


def require_latest(session: Session, process_id: str) -> SpecVersion:
    """Return the newest version of a process or raise NotFound."""
    version = latest_version(session, process_id)
    if version is None:
        raise NotFound(f"process '{process_id}' is not deployed", process_id=process_id)
    return version


def latest_versions(session: Session) -> list[SpecVersion]:
    """Return the newest version of every deployed process."""
    newest = (select(SpecVersion.process_id, func.max(SpecVersion.version).label("v"))
              .group_by(SpecVersion.process_id).subquery())
    return list(session.execute(select(SpecVersion).join(
        newest, (SpecVersion.process_id == newest.c.process_id) & (SpecVersion.version == newest.c.v))
        .order_by(SpecVersion.process_id)).scalars())


class _SpecCache:
    """Restored specs keyed by version and content hash: versions are immutable, so entries never go stale."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[Any, dict[str, Any]]] = OrderedDict()

    def get(self, key: str, spec_json: Any) -> tuple[Any, dict[str, Any]]:
        item = self._items.get(key)
        if item is None:
            text = spec_json() if callable(spec_json) else spec_json
            item = load_spec(text)
            self._items[key] = item
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return item

    def clear(self) -> None:
        """Forget every restored spec (as a restarted process has none)."""
        self._items.clear()


spec_cache = _SpecCache()


def spec_of(session: Session, spec_version_id: int, sha256: str) -> tuple[Any, dict[str, Any]]:
    """Return (spec, subprocess specs) of a version, restoring it once per process; an edited one is refused."""
    def fetch() -> str:
        row = session.execute(select(SpecVersion.process_id, SpecVersion.version, SpecVersion.sha256,
                                     SpecVersion.spec_json, SpecVersion.seal)
                              .where(SpecVersion.id == spec_version_id)).first()
        if row is None:
            raise NotFound(f"spec version {spec_version_id} does not exist")
        seals.require_spec(spec_version_id, row.process_id, row.version, row.sha256, row.spec_json, row.seal)
        return str(row.spec_json)
    # The version id is part of the key: a row whose hash was set to another version's never gets its spec.
    return spec_cache.get(f"{spec_version_id}:{sha256}", fetch)
