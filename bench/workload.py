"""The benchmark workload: the ten-task process, seeded start and form data, and timing summaries."""

from __future__ import annotations

import random
import statistics
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

from engine.definitions.validation import read_paths, validate

BPMN_FILE = Path(__file__).with_name("ten_tasks.bpmn")
PROCESS_ID = "ten_tasks"
#: Sub-process specs by process id, as BpmnWorkflow takes them.
Specs = dict[str, BpmnProcessSpec]
STEPS = 10
SEED = 20260611
UNITS = ("Bappeda", "BKPSDM", "Dinas Kesehatan", "Dinas Pendidikan", "Inspektorat",
         "Kecamatan Sungai Kunjang")


@dataclass
class Workload:
    """Start data of every instance and the form data each of its ten steps submits."""

    starts: list[dict[str, Any]]
    #: steps[step][i]: what instance i submits at that step.
    steps: list[list[dict[str, Any]]]

    @property
    def size(self) -> int:
        """Return the number of instances."""
        return len(self.starts)


def files() -> dict[str, bytes]:
    """Return {file name: bytes} of the benchmark process, as deploy receives them."""
    return read_paths([str(BPMN_FILE)])


def raw_spec() -> tuple[BpmnProcessSpec, Specs]:
    """Return (spec, subprocess specs) parsed the way deploy does (JUEL translated to Python)."""
    checked, problems = validate(files())
    if checked is None:
        raise SystemExit("bench/ten_tasks.bpmn does not validate:\n" + "\n".join(map(str, problems)))
    return checked.parser.get_spec(PROCESS_ID), checked.parser.get_subprocess_specs(PROCESS_ID)


def employee(i: int) -> str:
    """Return a NIP-like employee id (18 digits) for instance i."""
    return f"19850315{2010 + i % 10:04d}{i:06d}"


def start_data(i: int, rng: random.Random) -> dict[str, Any]:
    """Return the start variables of instance i."""
    return {"employee": employee(i), "unit": rng.choice(UNITS), "year": 2027,
            "grade": rng.choice(["III/a", "III/b", "III/c", "III/d", "IV/a"])}


def step_data(step: int, rng: random.Random) -> dict[str, Any]:
    """Return the form submission of one step: a score 1..100 and a short note (sometimes empty)."""
    length = rng.choice([0, 8, 20, 40])
    note = "".join(rng.choice(string.ascii_lowercase + " ") for _ in range(length)).strip()
    return {f"score_{step:02d}": rng.randint(1, 100), f"note_{step:02d}": note}


def make_workload(size: int, seed: int = SEED) -> Workload:
    """Return a reproducible workload of `size` instances."""
    rng = random.Random(seed)
    starts = [start_data(i, rng) for i in range(size)]
    steps = [[step_data(step, rng) for _ in range(size)] for step in range(1, STEPS + 1)]
    return Workload(starts, steps)


@dataclass
class Timing:
    """Per-operation durations (seconds) of one measurement, or a total only."""

    samples: list[float] = field(default_factory=list)
    wall: float | None = None

    @property
    def total(self) -> float:
        """Return the total seconds (wall time when measured as a whole)."""
        return self.wall if self.wall is not None else sum(self.samples)

    @property
    def count(self) -> int:
        """Return the number of operations."""
        return len(self.samples)

    @property
    def mean_ms(self) -> float:
        """Return the mean duration per operation in milliseconds."""
        return 1000 * self.total / max(self.count, 1)

    @property
    def median_ms(self) -> float:
        """Return the median duration per operation in milliseconds."""
        return 1000 * statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p95_ms(self) -> float:
        """Return the 95th percentile duration per operation in milliseconds."""
        if len(self.samples) < 2:
            return self.median_ms
        return 1000 * statistics.quantiles(self.samples, n=20)[-1]
