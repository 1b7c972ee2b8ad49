"""The one clock all engine time comes from, so tests and `worker --now` can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer


class Clock:
    """Wall-clock time unless frozen; `set` and `advance` move a frozen clock."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None
        #: Zone of plain dates in deadlines (Samarinda keeps WITA, UTC+8).
        self.local_tz: tzinfo = ZoneInfo("Asia/Makassar")

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        if self._frozen is not None:
            return self._frozen
        return datetime.now(UTC)

    def set(self, moment: datetime | None) -> None:
        """Freeze the clock at moment (naive values are taken as UTC); None unfreezes it."""
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        self._frozen = moment.astimezone(UTC) if moment is not None else None

    def advance(self, delta: timedelta) -> datetime:
        """Move the frozen clock forward by delta (freezing it at now first) and return the new time."""
        self._frozen = self.now() + delta
        return self._frozen

    @property
    def frozen(self) -> bool:
        """Return whether the clock is frozen."""
        return self._frozen is not None


clock = Clock()


class _ClockDatetime(datetime):
    """A datetime whose now() reads the engine clock: SpiffWorkflow's timer module calls datetime.now()."""

    @classmethod
    def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
        current = clock.now()
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)  # type: ignore[arg-type]


# SpiffWorkflow reads time only through `datetime.now` in this module; route it through our clock.
spiff_timer.datetime = _ClockDatetime
# A timer date without offset (`2027-01-31`) is read in the module's LOCALTZ, the server's zone: read it in
# Samarinda's, as due dates are, so a file means the same on every host.
spiff_timer.LOCALTZ = clock.local_tz
