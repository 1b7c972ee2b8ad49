"""Moving every unfinished instance of one version of a process to another: a dry run, then in chunks.

Each instance moves in its own savepoint: one that cannot move (it already ran a step the new version no
longer has) is reported and left exactly as it was, and never half-moved; the others move on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from engine.errors import InvalidState, KinerjaError, NotFound
from engine.models import Instance, SpecVersion

from ..running.execution import ENDED, read
from .instances import move_to_version
from .migration import migrate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One instance in a bulk migration: whether it can move (or moved), and why not."""

    instance_id: int
    business_key: str
    status: str
    movable: bool
    why_not: str | None = None
    #: The steps already run that the new version no longer has (when that is why).
    lost: tuple[str, ...] = ()
    #: The steps the instance waits at that the new version no longer has (when that is why).
    waiting: tuple[str, ...] = ()


@dataclass
class BulkResult:
    """What a bulk migration found (dry run) or did, for one chunk of instances."""

    process_id: str
    from_version: int
    to_version: int
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    #: Unfinished instances on the old version after the last one looked at (the next chunk's work).
    remaining: int = 0
    #: The id of the last instance looked at: the next chunk starts after it.
    last_id: int | None = None

    @property
    def movable(self) -> list[Outcome]:
        """The instances that can move (dry run) or moved."""
        return [o for o in self.outcomes if o.movable]

    @property
    def refused(self) -> list[Outcome]:
        """The instances that cannot move, with why."""
        return [o for o in self.outcomes if not o.movable]


def _version_id(session: Session, process_id: str, version: int) -> int:
    found = session.execute(select(SpecVersion.id).where(SpecVersion.process_id == process_id,
                                                         SpecVersion.version == version)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"process '{process_id}' has no version {version}", process_id=process_id, version=version)
    return found


def _unfinished(spec_version_id: int, after_id: int | None) -> Select[int, str, str]:
    query = select(Instance.id, Instance.business_key, Instance.status).where(
        Instance.spec_version_id == spec_version_id, Instance.status.not_in(ENDED)).order_by(Instance.id)
    return query.where(Instance.id > after_id) if after_id is not None else query


def unfinished_count(session: Session, process_id: str, version: int) -> int:
    """Return how many unfinished instances run on a version of a process."""
    spec_version_id = _version_id(session, process_id, version)
    return len(session.execute(_unfinished(spec_version_id, None).with_only_columns(Instance.id)).all())


def _try(session: Session, instance_id: int, actor: str, to_version: int, reason: str, dry_run: bool
         ) -> tuple[bool, str | None, dict[str, tuple[str, ...]]]:
    """Check (dry run) or do one move; return (moved or movable, why not, {lost|waiting: steps})."""
    try:
        if dry_run:
            row = read(session, instance_id)
            assert row is not None
            migrate(session, row, actor, to_version)  # nothing is saved: the restored workflow is dropped
        else:
            with session.begin_nested():
                move_to_version(session, instance_id, actor, to_version, reason)
    except InvalidState as exc:
        return False, exc.message, {key: tuple(exc.details.get(key, ())) for key in ("lost", "waiting")}
    except KinerjaError as exc:
        return False, exc.message, {}
    except Exception as exc:  # a broken state or script must not stop the others: report it, leave it
        log.exception("migrating instance %s failed", instance_id)
        return False, f"{type(exc).__name__}: {exc}", {}
    return True, None, {}


def migrate_many(session: Session, process_id: str, from_version: int, to_version: int, actor: str,
                 reason: str, dry_run: bool, *, limit: int | None = None, after_id: int | None = None
                 ) -> BulkResult:
    """Check or move the unfinished instances of a version, at most `limit` after `after_id`; flush.

    A real run needs a reason; it is written in each instance's `instance_migrated` event.
    """
    reason = reason.strip()
    if not dry_run and not reason:
        raise InvalidState("a bulk migration needs a reason", field="reason")
    if from_version == to_version:
        raise InvalidState("the source and target versions are the same", field="to_version")
    source = _version_id(session, process_id, from_version)
    _version_id(session, process_id, to_version)
    rows = session.execute(_unfinished(source, after_id)).all()
    chunk = rows[:limit] if limit is not None else rows
    result = BulkResult(process_id, from_version, to_version, dry_run, remaining=len(rows) - len(chunk))
    for instance_id, business_key, status in chunk:
        ok, why_not, steps = _try(session, instance_id, actor, to_version, reason, dry_run)
        result.outcomes.append(Outcome(instance_id, business_key, status, ok, why_not, steps.get("lost", ()),
                                       steps.get("waiting", ())))
        result.last_id = instance_id
    return result
