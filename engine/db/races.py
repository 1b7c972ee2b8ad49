"""Database failures that mean "another transaction won a race": worth a retry, never a crash."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict

#: SQLSTATEs of PostgreSQL's lost races: serialization failure, deadlock, lock not available.
RACE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
#: SQLite's words for a writer that waited for another one longer than its busy timeout.
SQLITE_LOCKED = ("database is locked", "database table is locked")


class RaceLost(Conflict):
    """The database gave up on this transaction because another one held what it needed; try again."""

    code = "race_lost"


def lost_race(exc: BaseException) -> bool:
    """Say whether a failure is a lost race (deadlock, serialization, lock wait, stale version)."""
    if isinstance(exc, Conflict | StaleDataError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    original = exc.orig
    if getattr(original, "sqlstate", None) in RACE_SQLSTATES:
        return True
    text = str(original).lower()
    return any(words in text for words in SQLITE_LOCKED)


def as_refusal(exc: BaseException) -> RaceLost:
    """Return the refusal a lost race gives to whoever made the request."""
    if isinstance(exc, RaceLost):
        return exc
    kind = type(getattr(exc, "orig", None) or exc).__name__
    return RaceLost("the database was busy with a change to the same records; nothing was saved, try again",
                    cause=kind)
