"""What the HTTP load benchmark records per request, and its summary: percentiles, throughput, errors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

#: Kinds of request, in the order a user makes them, with the status codes that mean it worked.
EXPECTED: dict[str, tuple[int, ...]] = {
    "sign-in form (GET /masuk)": (200,),
    "sign in (POST /masuk)": (302,),
    "inbox page (GET /)": (200,),
    "inbox API (GET /api/v1/tasks)": (200,),
    "task page (GET /tugas/<id>)": (200,),
    "complete (POST /tugas/<id>)": (303,),
}
COMPLETE = "complete (POST /tugas/<id>)"
#: Another user or request got there first: expected under load, counted apart from errors.
CONFLICT = 409


@dataclass
class Sample:
    """One request: its kind, the status (0: no answer, e.g. a timeout), its latency and when it ended."""

    kind: str
    status: int
    seconds: float
    ended: float
    detail: str = ""


def percentile(values: Sequence[float], q: float) -> float:
    """Return the q-th percentile (0-100) of values by linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Kind:
    """The summary of one kind of request."""

    kind: str
    count: int = 0
    ok: list[float] = field(default_factory=list)
    conflicts: int = 0
    errors: int = 0

    def row(self) -> str:
        """Return its Markdown table row (latencies of the requests that worked, in ms)."""
        ms = [1000 * s for s in self.ok]
        cells = [f"{percentile(ms, q):.0f}" if ms else "-" for q in (50, 95, 99)]
        return (f"| {self.kind} | {self.count} | {cells[0]} | {cells[1]} | {cells[2]} | "
                f"{max(ms) if ms else 0:.0f} | {self.conflicts} | {self.errors} |")


def summarise(samples: Sequence[Sample]) -> dict[str, Kind]:
    """Return a Kind per kind of request (in EXPECTED's order): counts, latencies, conflicts and errors."""
    kinds = {name: Kind(name) for name in EXPECTED}
    for sample in samples:
        kind = kinds.setdefault(sample.kind, Kind(sample.kind))
        kind.count += 1
        if sample.status in EXPECTED.get(sample.kind, ()):
            kind.ok.append(sample.seconds)
        elif sample.status == CONFLICT:
            kind.conflicts += 1
        else:
            kind.errors += 1
    return kinds


def errors_of(samples: Sequence[Sample], limit: int = 10) -> list[Sample]:
    """Return the first `limit` requests that were neither expected nor a conflict."""
    wrong = [s for s in samples if s.status not in EXPECTED.get(s.kind, ()) and s.status != CONFLICT]
    return wrong[:limit]


def table(kinds: dict[str, Kind]) -> list[str]:
    """Return the Markdown table of every kind of request that was made."""
    return ["| request | count | p50 ms | p95 ms | p99 ms | max ms | conflicts (409) | errors |",
            "|---|---|---|---|---|---|---|---|"] + [kind.row() for kind in kinds.values() if kind.count]


def throughput(samples: Sequence[Sample], seconds: float) -> tuple[float, float]:
    """Return (completions per second, requests per second) over `seconds` of load."""
    done = sum(1 for s in samples if s.kind == COMPLETE and s.status in EXPECTED[COMPLETE])
    return done / seconds, len(samples) / seconds


def steady(samples: Sequence[Sample]) -> tuple[float, float, float]:
    """Return (seconds, completions/s, requests/s) after the last sign-in ended: work without the sign-in storm.

    Fifty scrypt password checks at once hold the workers for a while; a real day spreads sign-ins over
    its morning, and a session lasts the working day.
    """
    signed = [s.ended for s in samples if s.kind == "sign in (POST /masuk)"]
    if not signed or not samples:
        return 0.0, 0.0, 0.0
    start, end = max(signed), max(s.ended for s in samples)
    if end <= start:
        return 0.0, 0.0, 0.0
    later = [s for s in samples if s.ended > start]
    done = sum(1 for s in later if s.kind == COMPLETE and s.status in EXPECTED[COMPLETE])
    return end - start, done / (end - start), len(later) / (end - start)
