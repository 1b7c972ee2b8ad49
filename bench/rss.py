"""Resident memory of other processes, sampled every second from /proc/<pid>/status (Linux only).

VmRSS is the resident set now, VmHWM its peak since the process started (the kernel keeps it, so a
peak between two samples is not missed). A sampler thread watches a set of named processes; a
process that is gone keeps its last values.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


def read_kb(pid: int) -> tuple[int, int] | None:
    """Return (VmRSS, VmHWM) of a process in KiB, or None when it is gone or /proc does not say."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            values = dict(line.split(":", 1) for line in status if line.startswith(("VmRSS", "VmHWM")))
    except (OSError, ValueError):
        return None
    if "VmRSS" not in values or "VmHWM" not in values:
        return None
    return int(values["VmRSS"].split()[0]), int(values["VmHWM"].split()[0])


@dataclass
class Track:
    """One process's samples: RSS in KiB over time, and the highest VmHWM seen."""

    name: str
    pid: int
    rss_kb: list[int] = field(default_factory=list)
    peak_kb: int = 0

    def take(self) -> None:
        """Read the process once (nothing when it is gone)."""
        read = read_kb(self.pid)
        if read is not None:
            self.rss_kb.append(read[0])
            self.peak_kb = max(self.peak_kb, read[1])

    def spread(self, skip: float = 0.1) -> float:
        """Return (max - min) / min of the RSS samples after the first `skip` share (warm-up), 0 if none."""
        kept = self.rss_kb[int(len(self.rss_kb) * skip):] or self.rss_kb
        return (max(kept) - min(kept)) / min(kept) if kept and min(kept) else 0.0

    def line(self) -> str:
        """Return a Markdown table row: name, pid, first, last, min, max RSS, peak (VmHWM), spread."""
        mb = [value / 1024 for value in self.rss_kb] or [0.0]
        return (f"| {self.name} | {self.pid} | {len(self.rss_kb)} | {mb[0]:.0f} | {mb[-1]:.0f} | {min(mb):.0f} | "
                f"{max(mb):.0f} | {self.peak_kb / 1024:.0f} | {100 * self.spread():.1f}% |")


HEADER = ["| process | pid | samples | first MB | last MB | min MB | max MB | peak (VmHWM) MB | spread after warm-up |",
          "|---|---|---|---|---|---|---|---|---|"]


class Sampler:
    """Sample the given processes every `interval` seconds in a daemon thread, until stopped."""

    def __init__(self, processes: dict[str, int], interval: float = 1.0) -> None:
        self.tracks = [Track(name, pid) for name, pid in processes.items()]
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while True:
            for track in self.tracks:
                track.take()
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for track in self.tracks:  # a last reading, so a short run has at least two
            track.take()

    def table(self) -> list[str]:
        """Return the Markdown table of every process."""
        return HEADER + [track.line() for track in self.tracks]
